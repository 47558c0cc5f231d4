"""The office as configured: services, desks, caseworkers, hours and the queue's windows."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import needs
from .errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LATE_ARRIVAL_CHOICES = ("walk_in", "appointment")

# Defaults of every office key; docs/configuration.md documents each one (a test checks it).
OFFICE_DEFAULTS: dict[str, Any] = {
    "name": "Terminpraxis",
    "location": "main",
    "timezone": "Europe/Berlin",
    "phone": "",
    "address": "",
    "hours": {},
    "booking_hours": {},
    "holidays": "DE-SH",
    "closures": [],
    "early_window_min": 10,
    "checkin_earliest_min": 60,
    "late_tolerance_min": 15,
    "late_arrival": "walk_in",
    "walk_in_cutoff_min": 30,
    "retention_days": 7,
    "access_log_retention_days": 365,
    "max_requeues": 2,
    "gap_fill_confidence": 0.9,
    "appointment_prefix": "T",
    "walk_in_prefix": "W",
    "services": [],
    "desks": [],
    "staff": [],
    # The checklist of documents to bring, offered on the booking form (an admin may change it).
    "documents": ["Personalausweis", "Kontoauszüge der letzten 3 Monate", "Mietvertrag",
                  "Heizkostenabrechnung", "Lohnabrechnungen", "Bescheid (letzter Bewilligungsbescheid)"],
}
SERVICE_KEYS = ("key", "name", "prefix", "minutes", "walk_in")
DESK_KEYS = ("key", "room", "zone", "capabilities")
STAFF_KEYS = ("username", "name", "services", "letters")


@dataclass(frozen=True)
class Interval:
    start: time
    end: time  # time.max stands for 24:00

    def minutes(self) -> int:
        end = 24 * 60 if self.end == time.max else self.end.hour * 60 + self.end.minute
        return end - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    prefix: str
    minutes: int
    walk_in: bool = True


@dataclass(frozen=True)
class Desk:
    key: str
    room: str
    zone: str = ""
    capabilities: frozenset[str] = frozenset()  # room needs it meets (queue_core.needs.ROOM_NEEDS)


@dataclass(frozen=True)
class Caseworker:
    username: str
    name: str
    services: tuple[str, ...]
    letters: frozenset[str] = frozenset()

    def handles_initial(self, initial: str | None) -> bool:
        return not self.letters or initial is None or initial in self.letters


@dataclass(frozen=True)
class Office:
    name: str
    location: str
    timezone: ZoneInfo
    phone: str
    hours: Mapping[str, tuple[Interval, ...]]
    holidays: str
    closures: frozenset[str]
    early_window_min: int
    checkin_earliest_min: int
    late_tolerance_min: int
    late_arrival: str
    walk_in_cutoff_min: int
    retention_days: int
    max_requeues: int
    appointment_prefix: str
    walk_in_prefix: str
    services: Mapping[str, Service]
    desks: Mapping[str, Desk]
    staff: Mapping[str, Caseworker] = field(default_factory=dict)
    access_log_retention_days: int = 365
    gap_fill_confidence: float = 0.9  # how sure a walk-in must be to end before the next appointment
    # When phone bookings are offered (within the opening hours); empty: whenever the office is open.
    booking_hours: Mapping[str, tuple[Interval, ...]] = field(default_factory=dict)
    address: str = ""  # where the office is, for the appointment slip
    # The installation's first location: served at the URLs without a location (queue_core.locations).
    primary: bool = True
    # The configuration this office was built on, before /admin's overrides (settings are saved on it).
    configured: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    documents: tuple[str, ...] = ()  # the booking form's checklist of documents to bring

    def service(self, key: str) -> Service:
        try:
            return self.services[key]
        except KeyError:
            raise InvalidInput(f"unknown service {key!r}", field="service") from None

    def desk(self, key: str) -> Desk:
        try:
            return self.desks[key]
        except KeyError:
            raise InvalidInput(f"unknown desk {key!r}", field="desk") from None

    def caseworker(self, username: str) -> Caseworker:
        try:
            return self.staff[username]
        except KeyError:
            raise InvalidInput(f"unknown caseworker {username!r}", field="staff") from None

    def room_of(self, desk: str | None) -> str | None:
        """The room a desk is in, as visitors read it on the door; an unknown desk shows its key."""
        if desk is None:
            return None
        found = self.desks.get(desk)
        return found.room if found else desk

    def uses_letters(self) -> bool:
        return any(c.letters for c in self.staff.values())

    def caseworkers_for(self, service: str, initial: str | None = None) -> list[Caseworker]:
        return [c for c in self.staff.values()
                if service in c.services and c.handles_initial(initial)]

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, configured: Mapping[str, Any] | None = None,
                     primary: bool = True) -> "Office":
        """Build and validate an office from configuration (TOML keys, lower case); ``configured``:
        the mapping before /admin's overrides (default: ``raw``)."""
        values = {**OFFICE_DEFAULTS, **{k.lower(): v for k, v in raw.items() if k.lower() != "locations"}}
        try:
            tz = ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise InvalidInput(f"unknown timezone {values['timezone']!r}", field="timezone") from None
        if values["late_arrival"] not in LATE_ARRIVAL_CHOICES:
            raise InvalidInput("late_arrival must be one of " + ", ".join(LATE_ARRIVAL_CHOICES),
                               field="late_arrival")
        try:
            services = {s.key: s for s in (_service(s, values["walk_in_prefix"]) for s in values["services"])}
            desks = {d.key: d for d in (_desk(d) for d in values["desks"])}
            staff = {c.username: c for c in (_caseworker(c, services) for c in values["staff"])}
        except (TypeError, AttributeError):
            raise InvalidInput("services, desks and staff must be lists of tables ([[services]] …)",
                               field="services") from None
        if len(services) != len(values["services"]):
            raise InvalidInput("two services share one key", field="services")
        if len(desks) != len(values["desks"]):
            raise InvalidInput("two desks share one key", field="desks")
        if len(staff) != len(values["staff"]):
            raise InvalidInput("two staff entries share one username", field="staff")
        seen: dict[str, str] = {}
        for service in services.values():
            if service.prefix == values["appointment_prefix"]:
                raise InvalidInput(f"service {service.key!r} uses the appointment prefix {service.prefix!r}",
                                   field="prefix")
            if service.prefix in seen:
                raise InvalidInput(f"services {seen[service.prefix]!r} and {service.key!r} share the prefix"
                                   f" {service.prefix!r}; each service needs its own", field="prefix")
            seen[service.prefix] = service.key
        return cls(
            name=str(values["name"]), location=str(values["location"]), timezone=tz,
            phone=str(values["phone"]), hours=parse_hours(values["hours"]),
            holidays=str(values["holidays"] or ""),
            closures=frozenset(str(d) for d in values["closures"]),
            early_window_min=_minutes(values, "early_window_min"),
            checkin_earliest_min=_minutes(values, "checkin_earliest_min"),
            late_tolerance_min=_minutes(values, "late_tolerance_min"),
            late_arrival=values["late_arrival"],
            walk_in_cutoff_min=_minutes(values, "walk_in_cutoff_min"),
            retention_days=_minutes(values, "retention_days"),
            access_log_retention_days=_minutes(values, "access_log_retention_days"),
            max_requeues=_minutes(values, "max_requeues"),
            gap_fill_confidence=_share(values, "gap_fill_confidence"),
            appointment_prefix=str(values["appointment_prefix"]),
            walk_in_prefix=str(values["walk_in_prefix"]),
            services=services, desks=desks, staff=staff,
            booking_hours=parse_hours(values["booking_hours"] or {}),
            address=" ".join(str(values["address"] or "").split()),
            primary=primary, configured=dict(raw if configured is None else configured),
            documents=_texts(values, "documents"),
        )


def _minutes(values: Mapping[str, Any], key: str) -> int:
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"{key} must be a whole number ≥ 0", field=key) from None
        if value < 0:
            raise InvalidInput(f"{key} must be a whole number ≥ 0", field=key)
    return value


def _texts(values: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list of texts (a TOML array of strings)."""
    value = values[key] or []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{key} must be a list of texts", field=key)
    return tuple(value)


def _share(values: Mapping[str, Any], key: str) -> float:
    """A probability between 0.5 and 0.999 (90 % is written 0.9)."""
    value = values[key]
    try:
        share = float(value)
    except (TypeError, ValueError):
        share = -1.0
    if isinstance(value, bool) or not 0.5 <= share <= 0.999:
        raise InvalidInput(f"{key} must be a share between 0.5 and 0.999, e.g. 0.9", field=key)
    return share


def _service(raw: Mapping[str, Any], default_prefix: str) -> Service:
    if not raw.get("key"):
        raise InvalidInput("every service needs a key", field="services")
    minutes = _minutes({"minutes": raw.get("minutes", 15)}, "minutes")
    if minutes == 0:
        raise InvalidInput("a service takes at least one minute", field="minutes")
    return Service(key=str(raw["key"]), name=str(raw.get("name", raw["key"])),
                   prefix=str(raw.get("prefix") or default_prefix), minutes=minutes,
                   walk_in=bool(raw.get("walk_in", True)))


def _desk(raw: Mapping[str, Any]) -> Desk:
    if not raw.get("key"):
        raise InvalidInput("every desk needs a key", field="desks")
    return Desk(key=str(raw["key"]), room=str(raw.get("room", raw["key"])), zone=str(raw.get("zone", "")),
                capabilities=needs.capabilities(raw.get("capabilities")))


def _caseworker(raw: Mapping[str, Any], services: Mapping[str, Service]) -> Caseworker:
    if not raw.get("username"):
        raise InvalidInput("every staff entry needs a username", field="staff")
    handled = tuple(raw.get("services") or services.keys())
    unknown = [s for s in handled if s not in services]
    if unknown:
        raise InvalidInput(f"staff {raw['username']!r} names unknown service {unknown[0]!r}", field="services")
    return Caseworker(username=str(raw["username"]), name=str(raw.get("name", raw["username"])),
                      services=handled, letters=parse_letters(raw.get("letters", "")))


def parse_letters(spec: str | list[str] | None) -> frozenset[str]:
    """'A-G' or 'A-G,X' or ['A-G', 'X'] → the set of initials a caseworker is responsible for."""
    if not spec:
        return frozenset()
    parts = spec if isinstance(spec, list) else str(spec).split(",")
    letters: set[str] = set()
    for part in parts:
        part = str(part).strip().upper()
        match = re.fullmatch(r"([A-Z])(?:\s*[-–]\s*([A-Z]))?", part)
        if not match:
            raise InvalidInput(f"letters {part!r} must look like 'A-G'", field="letters")
        first, last = match.group(1), match.group(2) or match.group(1)
        letters.update(chr(c) for c in range(ord(first), ord(last) + 1))
    return frozenset(letters)


def parse_hours(raw: Mapping[str, Any]) -> dict[str, tuple[Interval, ...]]:
    """{'mon': ['08:00-12:00', '14:00-16:00']} → intervals per weekday, checked for overlap."""
    hours: dict[str, tuple[Interval, ...]] = {day: () for day in WEEKDAYS}
    if not isinstance(raw or {}, Mapping):
        raise InvalidInput("hours must be a table of weekdays, e.g. mon = ['08:00-12:00']", field="hours")
    for day, spans in (raw or {}).items():
        day = str(day).lower()[:3]
        if day not in WEEKDAYS:
            raise InvalidInput(f"unknown weekday {day!r}", field="hours")
        if isinstance(spans, str):
            spans = [spans]
        intervals = sorted((_interval(s) for s in spans), key=lambda i: i.start)
        for before, after in zip(intervals, intervals[1:]):
            if after.start < before.end:
                raise InvalidInput(f"opening hours on {day} overlap", field="hours")
        hours[day] = tuple(intervals)
    return hours


def _interval(text: str) -> Interval:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not match:
        raise InvalidInput(f"opening hours {text!r} must look like '08:00-12:00'", field="hours")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise InvalidInput(f"opening hours {text!r} are not a time of day", field="hours")
    end = time.max if h2 == 24 else time(h2, m2)
    start = time(h1, m1)
    if end <= start:
        raise InvalidInput(f"opening hours {text!r} end before they start", field="hours")
    return Interval(start, end)
