"""The office's settings as changed in /admin: overrides of office keys stored in the database.

The TOML file (plus environment) gives the base mapping; a row of ``office_settings`` overrides one
key of it and wins. Every change is validated by building the whole office first (so an overlap
of hours, an unknown service, a shared prefix … is refused with ``InvalidInput.field`` and nothing
is saved), and is recorded as one ``settings_changed`` event (data: the key only) in the same
transaction: ``Settings.save_settings`` is the engine's command. Each location has its own rows
(``location``; '' stands for the installation's first location, see queue_core.locations). The event's ``seq`` becomes the row's ``version``: ``version(db)`` is one indexed
MAX(), so every process (the main server, run_display.py, the relay) can tell cheaply whether its
cached office is still current.
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Mapping

from sqlite_utils import Database

from .base import EngineBase
from .clock import to_db
from .errors import InvalidInput
from .office import Office
from .states import EventKind
from .store import dumps, rows

# Keys an admin may change; docs/configuration.md lists them.
EDITABLE = ("desks", "services", "hours", "booking_hours", "closures", "staff", "documents", "board_message")
# Kiosk info pages: "info:<language>:<page>" → Markdown text (office_texts.info_source prefers them to the files).
INFO_KEY = re.compile(r"info:([a-z]{2,3}):([a-z_]{1,40})")
# The office's own texts in another language: "text:<language>" → {German text: translation}.
TEXT_KEY = re.compile(r"text:([a-z]{2,3})")
TEXTS_MAX = 200
TEXT_MAX = 300
BOARD_MESSAGE_MAX = 300
DOCUMENT_MAX = 200
DOCUMENTS_MAX = 30
INFO_TEXT_MAX = 20000


def version(db: Database) -> int:
    """The seq of the latest settings change (0 when there was none): one index lookup."""
    return int(db.execute("SELECT COALESCE(MAX(version), 0) FROM office_settings").fetchone()[0])


def storage_key(location: str, first: str) -> str:
    """The ``location`` of a location's rows: '' for the installation's first location."""
    return "" if location == first else location


def office_key(office: Office) -> str:
    return "" if office.primary else office.location


def overrides(db: Database, location: str = "") -> dict[str, Any]:
    """The keys changed in /admin for ``location`` (a storage key) with their values."""
    return {row["key"]: json.loads(row["value"])
            for row in rows(db, "SELECT key, value FROM office_settings WHERE value IS NOT NULL AND location = ?",
                            (location,))}


def changes(db: Database, location: str = "") -> dict[str, dict[str, Any]]:
    """Who changed which key when (for the admin page): {key: {updated_at, updated_by, overridden}}."""
    return {row["key"]: {"updated_at": row["updated_at"], "updated_by": row["updated_by"],
                         "overridden": bool(row["value"])}
            for row in rows(db, "SELECT key, value IS NOT NULL AS value, updated_at, updated_by FROM office_settings"
                                " WHERE location = ?", (location,))}


def effective_mapping(base: Mapping[str, Any], found: Mapping[str, Any]) -> dict[str, Any]:
    return {**{k.lower(): v for k, v in base.items()}, **found}


def effective_office(db: Database, base: Mapping[str, Any], location: str = "") -> Office:
    """The office as it is now: the configuration's mapping with the database's overrides on top."""
    return Office.from_mapping(effective_mapping(base, overrides(db, location)), configured=base)


class Settings(EngineBase):
    def save_settings(self, new: Mapping[str, Any], *, actor: str | None,
                      desks_elsewhere: Mapping[str, str] | None = None) -> Office:
        """Set (or with ``None`` remove) overrides of this engine's location; all or nothing.

        Returns the office as it now is. Raises InvalidInput (with ``field``) when a value or the
        office built from it is not valid, when a change would strand open tickets or booked
        appointments, or when a desk key is one that another location uses (``desks_elsewhere``).
        """
        base, where = self.office.configured, office_key(self.office)
        checked = {key: _check(key, value) for key, value in new.items()}
        with self._command() as now:
            found = overrides(self.db, where)
            try:
                before: Office | None = Office.from_mapping(effective_mapping(base, found))
            except InvalidInput:  # the file changed under the overrides; the new state is checked below
                before = None
            for key, value in checked.items():
                if value is None:
                    found.pop(key, None)
                else:
                    found[key] = value
            office = Office.from_mapping(effective_mapping(base, found), configured=base,
                                         primary=self.office.primary)
            taken = sorted(set(office.desks) & set(desks_elsewhere or {}))
            if taken:
                raise InvalidInput(f"desk {taken[0]!r} belongs to the location {desks_elsewhere[taken[0]]!r};"
                                   " a desk key names one desk in the whole installation", field="desks")
            if before is not None:
                _refuse_stranding(self.db, before, office)
            for key, value in checked.items():
                seq = self._event(now, EventKind.SETTINGS_CHANGED, actor=actor, key=key)
                self.db.execute(
                    "INSERT INTO office_settings (location, key, value, updated_at, updated_by, version)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (location, key) DO UPDATE SET value = excluded.value,"
                    " updated_at = excluded.updated_at, updated_by = excluded.updated_by,"
                    " version = excluded.version",
                    (where, key, None if value is None else dumps(value), to_db(now), actor, seq))
        return office


def _check(key: str, value: Any) -> Any:
    """The value's own shape; what depends on other keys is checked by building the office."""
    if key not in EDITABLE and not INFO_KEY.fullmatch(str(key)) and not TEXT_KEY.fullmatch(str(key)):
        raise InvalidInput(f"the setting {key!r} cannot be changed here", field="key")
    if value is None:
        return None
    if key == "board_message":
        if not isinstance(value, str) or len(value) > BOARD_MESSAGE_MAX:
            raise InvalidInput(f"the board text may have at most {BOARD_MESSAGE_MAX} characters",
                               field="board_message")
        return " ".join(value.split())
    if key == "documents":
        if not isinstance(value, list) or len(value) > DOCUMENTS_MAX or not all(
                isinstance(d, str) and 0 < len(d.strip()) <= DOCUMENT_MAX for d in value):
            raise InvalidInput(f"the document checklist takes up to {DOCUMENTS_MAX} entries of at most"
                               f" {DOCUMENT_MAX} characters", field="documents")
        cleaned = [d.strip() for d in value]
        if len(set(cleaned)) != len(cleaned):
            raise InvalidInput("a document is listed twice", field="documents")
        return cleaned
    if key == "closures":
        if not isinstance(value, list):
            raise InvalidInput("closures must be a list of dates", field="closures")
        days = []
        for item in value:
            try:
                days.append(date.fromisoformat(str(item).strip()).isoformat())
            except ValueError:
                raise InvalidInput(f"closure {item!r} is not a date like 2026-12-24", field="closures") from None
        return sorted(set(days))
    if key in ("hours", "booking_hours") and not isinstance(value, dict):
        raise InvalidInput(f"{key} must be a table of weekdays", field=key)
    if key in ("desks", "services", "staff") and not (
            isinstance(value, list) and all(isinstance(item, dict) for item in value)):
        raise InvalidInput(f"{key} must be a list of tables", field=key)
    if TEXT_KEY.fullmatch(key):
        if not isinstance(value, dict) or len(value) > TEXTS_MAX or not all(
                isinstance(k, str) and isinstance(v, str) and len(k) <= TEXT_MAX and len(v) <= TEXT_MAX
                for k, v in value.items()):
            raise InvalidInput(f"translations: up to {TEXTS_MAX} texts of at most {TEXT_MAX} characters",
                               field="texts")
        cleaned = {" ".join(k.split()): " ".join(v.split()) for k, v in value.items() if v.strip()}
        return cleaned or None
    if INFO_KEY.fullmatch(key):
        if not isinstance(value, str) or len(value) > INFO_TEXT_MAX:
            raise InvalidInput(f"an info page may have at most {INFO_TEXT_MAX} characters", field="text")
        return value.replace("\r\n", "\n")
    return value


def _refuse_stranding(db: Database, before: Office, after: Office) -> None:
    """A service, desk or caseworker that is still in use (at this location) cannot be removed."""
    where = before.location
    for key in set(before.services) - set(after.services):
        busy = db.execute(
            "SELECT (SELECT COUNT(*) FROM tickets WHERE service = ?1 AND location = ?2"
            " AND state IN ('waiting', 'called', 'serving')) + (SELECT COUNT(*) FROM appointments"
            " WHERE service = ?1 AND location = ?2 AND state IN ('booked', 'checked_in'))",
            (key, where)).fetchone()[0]
        if busy:
            raise InvalidInput(f"the service {key!r} still has open tickets or booked appointments",
                               field="services")
    for key in set(before.desks) - set(after.desks):
        if db.execute("SELECT COUNT(*) FROM tickets WHERE desk = ? AND state IN ('called', 'serving')",
                      (key,)).fetchone()[0]:
            raise InvalidInput(f"desk {key!r} is serving someone right now", field="desks")
    for username in set(before.staff) - set(after.staff):
        if db.execute("SELECT COUNT(*) FROM appointments WHERE staff = ? AND location = ?"
                      " AND state IN ('booked', 'checked_in')", (username, where)).fetchone()[0]:
            raise InvalidInput(f"caseworker {username!r} still has booked appointments", field="staff")
