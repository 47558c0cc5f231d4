"""The desk's commands: call next (the policy decides), override, and the ticket's life after the call."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

from .base import EngineBase
from .clock import to_db
from .errors import DeskBusy, DeskPaused, InvalidInput, InvalidTransition
from .models import OUTCOMES, Call, Reason, Ticket
from . import servicetime
from .policy import Idle, choose_next, why_idle
from .states import EventKind, TicketState
from .schedule import local_day, local_instant
from .store import one

NOTE_MAX = 500


class Calls(EngineBase):
    def call_next(self, desk: str, staff: str) -> Call | None:
        """Call the ticket the policy picks for this caseworker at this desk; None when nobody is eligible.

        The pick and the state change share one write transaction, so two desks pressing at once
        never get the same visitor.
        """
        self.office.desk(desk)
        caseworker = self.office.caseworker(staff)
        with self._command() as now:
            self._refuse_unready(desk, staff)
            choice = choose_next(self.db, self.office, caseworker, now, desk)
            if choice is None:
                return None
            ticket_id, reason = choice
            # The reason's times go with the event, so a reloaded desk still says "fits before 10:15".
            ticket = self._call(now, ticket_id, desk, staff, reason.code,
                                **({"fits_before": to_db(reason.fits_before), "chance": reason.chance}
                                   if reason.fits_before else {}))
        return Call(ticket, replace(reason, starts_at=ticket.appointment_start), self.room_of(desk))

    def idle_reason(self, staff: str) -> Idle | None:
        """Why the policy would call nobody for this caseworker now (None: someone is callable)."""
        return why_idle(self.db, self.office, self.office.caseworker(staff), self.now())

    def mark_urgent(self, ticket_id: int, reason: str, actor: str | None = None) -> Ticket:
        """Mark a waiting walk-in urgent: it goes first among walk-ins, never before a due appointment.

        The reason is required and kept with the ticket and in the event log.
        """
        reason = _note(reason, required=True, what="give a reason why this visit is urgent")
        with self._command() as now:
            current = self.ticket(ticket_id)
            if current.kind != "walk_in":
                raise InvalidTransition("only walk-ins can be marked urgent; appointments go first anyway",
                                        state=current.state, number=current.number)
            if current.urgent_at is not None:
                raise InvalidTransition(f"ticket {current.number} is urgent already", state=current.state,
                                        number=current.number)
            ticket = self._move_ticket(ticket_id, (TicketState.WAITING,), urgent_at=now, urgent_reason=reason)
            self._event(now, EventKind.MARKED_URGENT, ticket_id=ticket.id, actor=actor, number=ticket.number,
                        kind=ticket.kind, service=ticket.service, note=reason)
        return ticket

    def call_ticket(self, ticket_id: int, desk: str, staff: str, note: str) -> Call:
        """Call a specific waiting ticket out of turn; the reason is kept in the event log."""
        self.office.desk(desk)
        self.office.caseworker(staff)
        note = _note(note, required=True)
        with self._command() as now:
            self._refuse_unready(desk, staff)
            ticket = self._call(now, ticket_id, desk, staff, "override", note=note)
        return Call(ticket, Reason("override", ticket.appointment_start, note=note), self.room_of(desk))

    def _call(self, now: datetime, ticket_id: int, desk: str, staff: str, reason: str, **extra) -> Ticket:
        ticket = self._move_ticket(ticket_id, (TicketState.WAITING,), state=TicketState.CALLED, called_at=now,
                                   desk=desk,
                                   called_by=staff)
        self.db.execute(
            "INSERT INTO desks (key, state, staff, updated_at) VALUES (?, 'open', ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET staff = excluded.staff, updated_at = excluded.updated_at",
            (desk, staff, to_db(now)))
        self._event(now, EventKind.CALLED, ticket_id=ticket.id, desk=desk, actor=staff, number=ticket.number,
                    room=self.room_of(desk), kind=ticket.kind, service=ticket.service,
                    language=ticket.language, reason=reason, **extra)
        return ticket

    def _refuse_unready(self, desk: str, staff: str) -> None:
        state = one(self.db, "SELECT state FROM desks WHERE key = ?", (desk,))
        if state and state["state"] == "paused":
            raise DeskPaused("the desk is paused")
        # Two lookups instead of one OR, so each runs on its index even with a long history.
        busy = (one(self.db, "SELECT number FROM tickets WHERE desk = ? AND state IN ('called', 'serving')"
                    " LIMIT 1", (desk,))
                or one(self.db, "SELECT number FROM tickets WHERE called_by = ?"
                       " AND state IN ('called', 'serving') LIMIT 1", (staff,)))
        if busy:
            raise DeskBusy(f"finish {busy['number']} first", number=busy["number"])

    def _lifecycle(self, ticket_id: int, kind: str, from_states: tuple[str, ...], actor: str | None,
                   extra: dict | None = None, **changes) -> Ticket:
        with self._command() as now:
            changes = {k: (now if v is _NOW else v) for k, v in changes.items()}
            ticket = self._move_ticket(ticket_id, from_states, **changes)
            self._event(now, kind, ticket_id=ticket.id, desk=ticket.desk, actor=actor, number=ticket.number,
                        kind=ticket.kind, service=ticket.service, **(extra or {}))
        return ticket

    def recall(self, ticket_id: int, actor: str | None = None) -> Ticket:
        """Call the same visitor again (the board repeats the call)."""
        with self._command() as now:
            ticket = self.ticket(ticket_id)
            ticket = self._move_ticket(ticket_id, (TicketState.CALLED,), recalls=ticket.recalls + 1)
            self._event(now, EventKind.RECALLED, ticket_id=ticket.id, desk=ticket.desk, actor=actor,
                        number=ticket.number, room=self.room_of(ticket.desk), kind=ticket.kind,
                        service=ticket.service, language=ticket.language)
        return ticket

    def start(self, ticket_id: int, actor: str | None = None) -> Ticket:
        return self._lifecycle(ticket_id, EventKind.STARTED, (TicketState.CALLED,), actor, state=TicketState.SERVING,
                               started_at=_NOW)

    def finish(self, ticket_id: int, outcome: str = "done", actor: str | None = None) -> Ticket:
        """Close the visit with its outcome: done, by_post (documents follow by post) or follow_up."""
        if outcome not in OUTCOMES:
            raise InvalidInput("outcome must be one of " + ", ".join(OUTCOMES), field="outcome")
        with self._command() as now:
            current = self.ticket(ticket_id)
            ticket = self._move_ticket(ticket_id, (TicketState.CALLED, TicketState.SERVING), state=TicketState.DONE,
                                       outcome=outcome,
                                       finished_at=now, started_at=current.started_at or now)
            servicetime.record_visit(self.db, self.office, ticket.service, ticket.called_by,
                                     current.started_at or current.called_at, now)
            self._event(now, EventKind.FINISHED, ticket_id=ticket.id, desk=ticket.desk, actor=actor,
                        number=ticket.number, kind=ticket.kind, service=ticket.service, outcome=outcome)
        return ticket

    def no_show(self, ticket_id: int, actor: str | None = None) -> Ticket:
        return self._lifecycle(ticket_id, EventKind.NO_SHOW, (TicketState.CALLED,), actor, state=TicketState.NO_SHOW,
                               finished_at=_NOW)

    def requeue(self, ticket_id: int, actor: str | None = None) -> Ticket:
        """Put a called ticket back in line, or re-activate a no-show (at most max_requeues times)."""
        with self._command() as now:
            ticket = self.ticket(ticket_id)
            if ticket.state == TicketState.NO_SHOW and ticket.requeues >= self.office.max_requeues:
                raise InvalidTransition("requeued too often already", state=ticket.state, number=ticket.number)
            ticket = self._move_ticket(ticket_id, (TicketState.CALLED, TicketState.NO_SHOW),
                                       state=TicketState.WAITING,
                                       requeues=ticket.requeues + (ticket.state == TicketState.NO_SHOW),
                                       desk=None, called_by=None, called_at=None, finished_at=None)
            self._event(now, EventKind.REQUEUED, ticket_id=ticket.id, actor=actor, number=ticket.number,
                        kind=ticket.kind, service=ticket.service)
        return ticket

    def transfer(self, ticket_id: int, *, service: str | None = None, staff: str | None = None,
                 actor: str | None = None) -> Ticket:
        """Send a ticket to another service or a colleague; it waits there with its place kept."""
        if service is None and staff is None:
            raise InvalidInput("name a service or a colleague to transfer to", field="service")
        ticket = self.ticket(ticket_id)
        if (ticket.state == TicketState.WAITING and service in (None, ticket.service)
                and staff in (None, ticket.staff)):
            # Nothing would change: no event for a non-change.
            raise InvalidTransition(f"ticket {ticket.number} already waits there", state=ticket.state,
                                    number=ticket.number)
        changes: dict = {"state": TicketState.WAITING, "desk": None, "called_by": None, "called_at": None,
                         "started_at": None}
        if service is not None:
            changes["service"] = service
            changes["minutes"] = self.office.service(service).minutes
        if staff is not None:
            caseworker = self.office.caseworker(staff)
            if (service or ticket.service) not in caseworker.services:
                raise InvalidInput(f"{caseworker.name} does not handle that service", field="staff")
            changes["staff"] = staff
        return self._lifecycle(ticket_id, EventKind.TRANSFERRED,
                               (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING), actor,
                               extra={"to_service": service, "to_staff": staff}, **changes)

    def cancel_ticket(self, ticket_id: int, actor: str | None = None) -> Ticket:
        return self._lifecycle(ticket_id, EventKind.TICKET_CANCELLED, (TicketState.WAITING,), actor,
                               state=TicketState.CANCELLED,
                               finished_at=_NOW)

    def pause_desk(self, desk: str, actor: str | None = None) -> None:
        self._set_desk_state(desk, "paused", actor)

    def resume_desk(self, desk: str, actor: str | None = None) -> None:
        self._set_desk_state(desk, "open", actor)

    def staff_desk(self, desk: str, actor: str | None = None) -> bool:
        """A caseworker took the desk (opened its page): the report's staffed span starts at the first
        such moment of the day, so waiting for the first visitor counts as idle. Once per desk and day."""
        self.office.desk(desk)
        since = to_db(local_instant(self.office, local_day(self.office, self.now()), time(0, 0)))
        taken = "SELECT 1 FROM events WHERE at >= ? AND kind = 'desk_staffed' AND desk = ? LIMIT 1"
        if one(self.db, taken, (since, desk)):  # read first: a page reload takes no write lock
            return False
        with self._command() as now:
            if one(self.db, taken, (since, desk)):
                return False
            self._event(now, EventKind.DESK_STAFFED, desk=desk, actor=actor)
            return True

    def _set_desk_state(self, desk: str, state: str, actor: str | None) -> None:
        self.office.desk(desk)
        with self._command() as now:
            current = one(self.db, "SELECT state FROM desks WHERE key = ?", (desk,))
            if (current["state"] if current else "open") == state:
                raise InvalidTransition(f"the desk is already {state}", state=state)
            self.db.execute(
                "INSERT INTO desks (key, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (key)"
                " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (desk, state, to_db(now)))
            self._event(now, EventKind.DESK_PAUSED if state == "paused" else EventKind.DESK_RESUMED, desk=desk,
                        actor=actor)


_NOW = object()  # placeholder for "the command's instant" in _lifecycle changes


def _note(note: str | None, required: bool = False,
          what: str = "give a reason for calling out of turn") -> str | None:
    if note is None or not str(note).strip():
        if required:
            raise InvalidInput(what, field="note")
        return None
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise InvalidInput(f"the reason may have at most {NOTE_MAX} characters", field="note")
    return note.strip()
