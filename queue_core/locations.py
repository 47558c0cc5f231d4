"""Several locations in one installation: which there are, and the office each one is.

An installation's first location is the configuration's top-level office (its ``location`` key,
default ``main``); it is served at the URLs without a location, so nothing deployed before breaks.
More locations come from ``[locations.<slug>]`` tables of the configuration file, or are added
in /admin (a row of ``locations``). Every further location inherits the top-level keys (hours,
services, staff, windows …) except ``desks``, which each location lists itself: a desk key names
one desk in the whole installation, because desks are called, paused and shown by their key.
On top come the admin's overrides stored for that location (queue_core.settings).

The admin renames (``name``) and deactivates locations; a slug never changes, since tickets,
appointments and events carry it. The first location cannot be deactivated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from sqlite_utils import Database

from . import settings
from .base import EngineBase
from .clock import to_db
from .errors import InvalidInput, NotFound
from .office import Office
from .states import EventKind
from .store import one, rows

SLUG = re.compile(r"[a-z][a-z0-9-]{0,29}")
NAME_MAX = 80


@dataclass(frozen=True)
class Location:
    slug: str
    name: str
    active: bool = True
    primary: bool = False
    in_file: bool = False  # named in the configuration file (not added in /admin)


@dataclass(frozen=True)
class Registry:
    """Every location with its office as of ``version`` (built once per change, read by all)."""

    version: int
    primary: str
    locations: Mapping[str, Location]  # the first location first, then the file's, then the added ones
    offices: Mapping[str, Office]
    overrides: Mapping[str, Mapping[str, Any]]

    def office(self, slug: str | None = None) -> Office:
        """The office of ``slug`` (the first location's for None); NotFound for an unknown one."""
        try:
            return self.offices[slug or self.primary]
        except KeyError:
            raise NotFound(f"unknown location {slug!r}", field="location") from None

    def active(self) -> list[Location]:
        return [place for place in self.locations.values() if place.active]


def check_slug(slug: Any) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise InvalidInput("a location's short name takes 1–30 lower-case letters, digits or '-',"
                           " starting with a letter (it appears in the URLs)", field="slug")
    return slug


def check_name(name: Any) -> str:
    cleaned = " ".join(str(name or "").split())
    if not cleaned or len(cleaned) > NAME_MAX:
        raise InvalidInput(f"a location's name takes 1–{NAME_MAX} characters", field="name")
    return cleaned


def configured(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The configuration mapping of each location named in the file, the first location first."""
    top = {k.lower(): v for k, v in config.items() if k.lower() != "locations"}
    first = str(top.get("location") or "main")
    found = {first: top}
    tables = config.get("locations") or {}
    if not isinstance(tables, Mapping):
        raise InvalidInput("locations must be tables, e.g. [locations.nord]", field="locations")
    for slug, table in tables.items():
        if not isinstance(table, Mapping):
            raise InvalidInput(f"[locations.{slug}] must be a table", field="locations")
        own = {k.lower(): v for k, v in table.items()}
        if slug == first:
            found[first] = {**top, **own, "location": first}
        else:
            found[check_slug(slug)] = {**top, "desks": [], **own, "location": slug}
    return found


def version(db: Database) -> int:
    """The newest change of any location's settings or of the list of locations: two index lookups."""
    return max(settings.version(db),
               int(db.execute("SELECT COALESCE(MAX(version), 0) FROM locations").fetchone()[0]))


def load(db: Database, config: Mapping[str, Any], on_error: Any = None) -> Registry:
    """Every location and its office as the database has them now.

    ``on_error(slug, error)`` hears of admin overrides that no longer fit the file (the file's office
    applies then); a configuration file that is not valid raises InvalidInput.
    """
    current = version(db)
    mappings = configured(config)
    first = next(iter(mappings))
    stored = {row["slug"]: row for row in rows(db, "SELECT slug, name, active FROM locations ORDER BY created_at, slug")}
    places: dict[str, Location] = {}
    for slug, mapping in mappings.items():
        row = stored.get(slug)
        places[slug] = Location(slug, row["name"] if row else str(mapping.get("name") or slug),
                                active=slug == first or not row or bool(row["active"]),
                                primary=slug == first, in_file=True)
    top = mappings[first]
    for slug, row in stored.items():
        if slug not in places:
            places[slug] = Location(slug, row["name"], active=bool(row["active"]))
            mappings[slug] = {**top, "desks": [], "location": slug}
    offices = {slug: Office.from_mapping({**mappings[slug], "name": place.name}, primary=place.primary)
               for slug, place in places.items()}  # the file itself must be valid
    _refuse_shared_desks(offices)
    found_all: dict[str, dict[str, Any]] = {}
    for slug, place in places.items():
        base = {**mappings[slug], "name": place.name}
        found = found_all[slug] = settings.overrides(db, settings.storage_key(slug, first))
        if not found:
            continue
        try:
            office = Office.from_mapping(settings.effective_mapping(base, found), configured=base,
                                         primary=place.primary)
            _refuse_shared_desks({**offices, slug: office})
            offices[slug] = office
        except InvalidInput as error:  # the file changed under the overrides: the file's office applies
            if on_error is not None:
                on_error(slug, error)
    return Registry(current, first, places, offices, found_all)


def _refuse_shared_desks(offices: Mapping[str, Office]) -> None:
    owner: dict[str, str] = {}
    for slug, office in offices.items():
        for key in office.desks:
            if key in owner:
                raise InvalidInput(f"desk {key!r} is listed at {owner[key]!r} and at {slug!r}; a desk key"
                                   " names one desk in the whole installation", field="desks")
            owner[key] = slug


def desks_elsewhere(db: Database, config: Mapping[str, Any], slug: str) -> dict[str, str]:
    """The desk keys the other locations use now: {desk: location} (a new desk may not take one)."""
    registry = load(db, config)
    return {key: other for other, office in registry.offices.items() if other != slug for key in office.desks}


def staff_locations(db: Database, username: str) -> frozenset[str]:
    """The locations an account may work at; empty: every location."""
    return frozenset(row["location"] for row in rows(
        db, "SELECT location FROM staff_locations WHERE username = ?", (username,)))


def may_work_at(db: Database, username: str, slug: str) -> bool:
    allowed = staff_locations(db, username)
    return not allowed or slug in allowed


class LocationCommands(EngineBase):
    """The admin's commands on locations; each appends its event in the same transaction."""

    def add_location(self, slug: str, name: str, *, config: Mapping[str, Any], actor: str | None) -> int:
        """A new location (inheriting the first location's keys, without desks); returns the event's seq."""
        slug, name = check_slug(slug), check_name(name)
        if slug in configured(config):
            raise InvalidInput(f"the location {slug!r} exists already", field="slug")
        with self._command() as now:
            if one(self.db, "SELECT slug FROM locations WHERE slug = ?", (slug,)):
                raise InvalidInput(f"the location {slug!r} exists already", field="slug")
            seq = self._location_event(now, EventKind.LOCATION_ADDED, slug, actor=actor, name=name)
            self.db.execute("INSERT INTO locations (slug, name, active, created_at, updated_at, updated_by, version)"
                            " VALUES (?, ?, 1, ?, ?, ?, ?)", (slug, name, to_db(now), to_db(now), actor, seq))
        return seq

    def change_location(self, slug: str, *, config: Mapping[str, Any], actor: str | None,
                        name: str | None = None, active: bool | None = None) -> int:
        """Rename and/or (de)activate a location; the first location stays active."""
        registry = load(self.db, config)
        place = registry.locations.get(slug)
        if place is None:
            raise NotFound(f"unknown location {slug!r}", field="location")
        new_name = place.name if name is None else check_name(name)
        new_active = place.active if active is None else bool(active)
        if place.primary and not new_active:
            raise InvalidInput("the first location cannot be deactivated: the URLs without a location lead"
                               " to it", field="active")
        with self._command() as now:
            seq = self._location_event(now, EventKind.LOCATION_CHANGED, slug, actor=actor, name=new_name,
                                       active=new_active)
            self.db.execute(
                "INSERT INTO locations (slug, name, active, created_at, updated_at, updated_by, version)"
                " VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6) ON CONFLICT (slug) DO UPDATE SET name = ?2, active = ?3,"
                " updated_at = ?4, updated_by = ?5, version = ?6",
                (slug, new_name, int(new_active), to_db(now), actor, seq))
        return seq

    def set_staff_locations(self, username: str, slugs: list[str], *, config: Mapping[str, Any],
                            actor: str | None) -> None:
        """Where ``username`` may work (an empty list: everywhere)."""
        known = load(self.db, config).locations
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise InvalidInput(f"unknown location {unknown[0]!r}", field="locations")
        with self._command() as now:
            if not one(self.db, "SELECT username FROM staff WHERE username = ?", (username,)):
                raise NotFound("no such account", field="username")
            self.db.execute("DELETE FROM staff_locations WHERE username = ?", (username,))
            for slug in sorted(set(slugs)):
                self.db.execute("INSERT INTO staff_locations (username, location) VALUES (?, ?)", (username, slug))
            self._event(now, EventKind.STAFF_LOCATIONS_CHANGED, actor=actor, username=username,
                        locations=sorted(set(slugs)))

    def _location_event(self, at: Any, kind: str, slug: str, **fields: Any) -> int:
        from . import events

        return events.append(self.db, at, kind, slug, **fields)
