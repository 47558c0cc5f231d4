"""Everything the desk page shows, assembled for one caseworker at one desk (no visitor names)."""
from __future__ import annotations

from typing import Any

from queue_core import Engine, events, views
from queue_core.models import Reason

from . import queries
from .reasons import idle_json, reason_json, with_needs


def desk_view(engine: Engine, desk: str, user: dict) -> dict[str, Any]:
    """The desk's state for ``user`` at ``desk``: the current ticket and why it was called, who
    waits, the caseworker's day (times and states only) and why nobody is callable."""
    caseworker = engine.office.staff.get(user["username"])
    current = views.current_ticket(engine.db, desk, user["username"])
    current_json = None
    if current is not None:
        current_json = queries.ticket_json(engine, current)
        reason = views.last_call_reason(engine.db, current.id)
        if reason:
            current_json["reason"] = with_needs(engine, reason_json(engine, Reason(
                reason.code or "override", current.appointment_start, reason.fits_before,
                note=reason.note)), current, desk)
    mine = [] if caseworker is None else queries.day_appointments(engine, queries.today(engine),
                                                                   caseworker.username)
    for item in mine:  # the list shows times and states; the details drawer shows (and records) the rest
        for key in ("name", "birth_date", "phone", "notes", "code", "code_display", "needs_text"):
            item.pop(key, None)
    waiting = queries.waiting_for(engine, caseworker) if caseworker else queries.waiting_all(engine)
    return {"desk": desk, "room": engine.room_of(desk), "desk_state": views.desk_state(engine.db, desk),
            "user": {"username": user["username"], "name": user["name"], "role": user["role"],
                     "caseworker": caseworker is not None},
            "current": current_json, "waiting": waiting, "appointments": mine,
            "idle": idle_json(engine, engine.idle_reason(caseworker.username))
            if caseworker is not None and current is None else None,
            "seq": events.latest_seq(engine.db)}
