"""The climate of visits, evaluated: the visitor's anonymous answer and the caseworker's note.

After the visit the phone page (or the kiosk at the exit) asks one optional question, 1–5. The
score is stored without the ticket; only the fact that this ticket answered is kept, so nobody
answers twice and no answer can be traced to a person. At the desk, the caseworker notes in two
taps the climate of the visit just served and any incident; no names, no free text.
"""
from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlite_utils import Database

from . import store
from .base import EngineBase
from .clock import to_db
from .errors import InvalidInput, InvalidTransition, NotFound
from .states import EventKind

CLIMATES = ("calm", "tense", "heated")
INCIDENTS = ("none", "verbal_aggression", "threat", "security_called")
SOURCES = ("phone", "kiosk")
KINDS = ("appointment", "walk_in")


class Climate(EngineBase):
    def record_feedback(self, token: str, score: Any, source: str = "phone") -> None:
        """The visitor's answer to "How did you feel about your visit today?" (1–5), once per visit."""
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise InvalidInput("the answer is a whole number from 1 to 5", field="score")
        if source not in SOURCES:
            raise InvalidInput("unknown source", field="source")
        ticket = self.ticket_by_token(token)
        if ticket.state != "done":
            raise InvalidTransition("the visit is not finished yet", state=ticket.state)
        with self._command() as now:
            if self.db.execute("INSERT OR IGNORE INTO feedback_given (ticket_id) VALUES (?)",
                               (ticket.id,)).rowcount == 0:
                raise InvalidTransition("this visit has been answered already", state="answered")
            # A random id: the order of the rows must not line up with the events' times either.
            self.db.execute("INSERT INTO feedback (id, location, day, kind, score, source, language)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (secrets.randbits(62), ticket.location, ticket.day, ticket.kind, score, source,
                             ticket.language))
            self._event(now, EventKind.FEEDBACK_GIVEN, kind=ticket.kind, source=source)  # without the score

    def note_climate(self, staff: str, climate: str | None = None, incident: str | None = None) -> int:
        """The caseworker's note on the visit they called last today; returns that ticket's id.

        Each tap sets one part (climate or incident) and keeps the other, so two taps make a note."""
        if climate is not None and climate not in CLIMATES:
            raise InvalidInput("climate is one of " + ", ".join(CLIMATES), field="climate")
        if incident is not None and incident not in INCIDENTS:
            raise InvalidInput("incident is one of " + ", ".join(INCIDENTS), field="incident")
        if climate is None and incident is None:
            raise InvalidInput("tap a climate or an incident", field="climate")
        with self._command() as now:
            row = store.one(self.db, "SELECT id, location, day, kind FROM tickets WHERE called_by = ?"
                                     " AND state IN ('called', 'serving', 'done') AND location = ?"
                                     " ORDER BY called_at DESC LIMIT 1", (staff, self.office.location))
            if row is None:
                raise NotFound("you have not served anybody yet today", field="ticket")
            self.db.execute(
                "INSERT INTO climate_notes (ticket_id, location, day, kind, climate, incident, noted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO UPDATE SET"
                " climate = coalesce(excluded.climate, climate), incident = coalesce(excluded.incident, incident),"
                " noted_at = excluded.noted_at",
                (row["id"], row["location"], row["day"], row["kind"], climate, incident, to_db(now)))
            self._event(now, EventKind.CLIMATE_NOTED, ticket_id=row["id"], actor=staff, climate=climate, incident=incident)
        return int(row["id"])


def climate_figures(db: Database, location: str, first: date, last: date) -> dict[str, Any]:
    """Answers and notes of the period by kind of visit, each figure with the number behind it."""
    days = (location, first.isoformat(), last.isoformat())
    out: dict[str, Any] = {"feedback": {}, "climate": {}, "incidents": {}}
    for kind in (*KINDS, "total"):
        where = "" if kind == "total" else " AND kind = ?"
        args = days if kind == "total" else (*days, kind)
        scores = [r[0] for r in db.execute(
            "SELECT score FROM feedback WHERE location = ? AND day >= ? AND day <= ?" + where, args)]
        out["feedback"][kind] = {"count": len(scores),
                                 "mean": round(sum(scores) / len(scores), 2) if scores else None,
                                 "low_share": round(sum(s <= 2 for s in scores) / len(scores), 3) if scores else None}
        notes = store.rows(db, "SELECT climate, incident FROM climate_notes WHERE location = ? AND day >= ?"
                               " AND day <= ?" + where, args)
        rated = [n["climate"] for n in notes if n["climate"]]
        out["climate"][kind] = {"count": len(rated), **{c: sum(r == c for r in rated) for c in CLIMATES}}
        incidents = [n["incident"] for n in notes if n["incident"] and n["incident"] != "none"]
        out["incidents"][kind] = {"count": len(notes), "total": len(incidents),
                                  **{i: incidents.count(i) for i in INCIDENTS[1:]}}
    return out
