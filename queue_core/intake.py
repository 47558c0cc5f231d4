"""Arrivals: check-in with an appointment code, walk-ins, and the one place that numbers tickets."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from . import servicetime
from .base import EngineBase
from .clock import to_db
from .codes import code_hash, new_token, normalise_code, same_code
from .errors import IntakeClosed, InvalidInput, RequestIdReused, TooEarly, UnknownCode
from .estimate import walk_in_outlook
from .models import Appointment, CheckIn, Estimate, Ticket
from .needs import clean as clean_needs
from .letters import normalise_initial
from .office import Office
from .schedule import hours_text, local_day, next_opening, opening_at
from .states import AppointmentState, EventKind, TicketState
from .store import one

LANGUAGE_MAX = 16
REQUEST_ID_MAX = 100
NO_CHECK_IN = (AppointmentState.CANCELLED, AppointmentState.BY_POST)  # a code that admits no one


class Intake(EngineBase):
    def check_in(self, code: str, *, language: str | None = None,
                 request_id: str | None = None) -> CheckIn:
        """Check in with an appointment code. A repeat returns the same ticket (``created`` False)."""
        normal = normalise_code(code)
        if normal is None:
            raise UnknownCode("unknown appointment code")
        language, request_id = _clean(language, request_id)
        with self._command() as now:
            row = one(self.db, "SELECT * FROM appointments WHERE code_hash = ? AND location = ?",
                      (code_hash(normal), self.office.location))
            if row is None or not same_code(row["code"], normal) or row["state"] in NO_CHECK_IN:
                raise UnknownCode("unknown appointment code")
            appointment = Appointment.from_row(row)
            if appointment.ticket_id is not None:
                ticket = self.ticket(appointment.ticket_id)
                return CheckIn(ticket, False, self._outlook(ticket, now), late=appointment.late)
            if request_id is not None and one(self.db, "SELECT id FROM tickets WHERE request_id = ?",
                                              (request_id,)) is not None:
                # The same request_id for a different check-in: a client error, not a retry.
                raise RequestIdReused("request_id was already used for another ticket", field="request_id")
            ticket, late, early = self._admit(appointment, now, language, request_id)
            self._event(now, EventKind.CHECKED_IN, ticket_id=ticket.id, appointment_id=appointment.id,
                        number=ticket.number, kind=ticket.kind, service=ticket.service,
                        staff=appointment.staff, late=late, early=early)
            return CheckIn(ticket, True, self._outlook(ticket, now), late=late, early=early)

    def _admit(self, appointment: Appointment, now: datetime, language: str | None,
               request_id: str | None) -> tuple[Ticket, bool, bool]:
        office = self.office
        earliest = appointment.starts_at - timedelta(minutes=office.checkin_earliest_min)
        if now < earliest:
            raise TooEarly("too early to check in", come_back_at=to_db(earliest),
                           starts_at=to_db(appointment.starts_at))
        if local_day(office, now) > local_day(office, appointment.starts_at):
            raise UnknownCode("unknown appointment code")
        late = now > appointment.starts_at + timedelta(minutes=office.late_tolerance_min)
        early = now < appointment.starts_at - timedelta(minutes=office.early_window_min)
        as_walk_in = late and office.late_arrival == "walk_in"
        if as_walk_in and opening_at(office, now) is None:
            raise self._closed(now, "closed")
        ticket = self._new_ticket(
            now, kind="walk_in" if as_walk_in else "appointment", service=appointment.service,
            minutes=appointment.duration_min, staff=None if as_walk_in else appointment.staff,
            initial=None, language=language or appointment.language, request_id=request_id,
            appointment_id=appointment.id, appointment_start=None if as_walk_in else appointment.starts_at,
            needs=(appointment.needs, appointment.interpreter))
        self.db.execute(
            "UPDATE appointments SET state = 'checked_in', checked_in_at = ?, late = ?, ticket_id = ?"
            " WHERE id = ?", (to_db(now), int(late), ticket.id, appointment.id))
        servicetime.record_arrival(self.db, appointment.starts_at, now)
        return ticket, late, early

    def walk_in(self, service: str, *, initial: str | None = None, language: str | None = None,
                request_id: str | None = None, needs: Any = None, interpreter: str | None = None) -> CheckIn:
        """A visitor without appointment. Refused outside hours, after the cutoff, or when today is full."""
        svc = self.office.service(service)
        if not svc.walk_in:
            raise InvalidInput(f"{svc.name} only by appointment", field="service")
        initial = normalise_initial(initial)
        stated = clean_needs(needs, interpreter, self.office)
        language, request_id = _clean(language, request_id)
        # The estimate plays today forward (milliseconds): read before taking the write lock, so
        # kiosks and desks never queue behind it.
        outlook = walk_in_outlook(self.db, self.office, self.now(), service, initial)
        with self._command() as now:
            if request_id is not None:
                row = one(self.db, "SELECT * FROM tickets WHERE request_id = ?", (request_id,))
                if row is not None:
                    ticket = Ticket.from_row(row)
                    if ticket.kind != "walk_in" or ticket.service != service:
                        raise RequestIdReused("request_id was already used for another ticket",
                                              field="request_id")
                    return CheckIn(ticket, False, self._outlook(ticket, now))
            refusal, estimate = self._intake_refusal(now, service, initial, outlook)
            if refusal is None:
                ticket = self._new_ticket(now, kind="walk_in", service=service, minutes=svc.minutes,
                                          staff=None, initial=initial, language=language,
                                          request_id=request_id, needs=stated)
                self._event(now, EventKind.WALKED_IN, ticket_id=ticket.id, number=ticket.number, kind="walk_in",
                            service=service, estimate_min=estimate.minutes)
                return CheckIn(ticket, True, estimate)
        # Raised after the commit, so the recorded intake stop is kept.
        raise refusal

    def walk_in_refusal(self, service: str, initial: str | None = None) -> str | None:
        """Why a walk-in would be refused now ("closed", "cutoff", "capacity"), recording nothing."""
        now = self.now()
        by_hours = hours_refusal(self.office, now)
        if by_hours:
            return by_hours
        _estimate, fits_today = walk_in_outlook(self.db, self.office, now, service, normalise_initial(initial))
        return None if fits_today else "capacity"

    def walk_ins_refused(self) -> str | None:
        """Why a walk-in of any service would be refused now ("closed", "cutoff", "capacity"), None if
        one would be taken. Records nothing: the kiosk's start screen asks before offering the choice.
        The same rule as one service's ``walk_in_refusal``, asked until one service would be taken."""
        services = [s.key for s in self.office.services.values() if s.walk_in]
        if not services:
            return hours_refusal(self.office, self.now())
        refusals = []
        for key in services:
            refusal = self.walk_in_refusal(key)
            if refusal is None:
                return None
            refusals.append(refusal)
        return refusals[0]

    def _intake_refusal(self, now: datetime, service: str, initial: str | None,
                        outlook: tuple[Estimate, bool]) -> tuple[IntakeClosed | None, Estimate | None]:
        by_hours = hours_refusal(self.office, now)
        if by_hours == "closed":
            return self._closed(now, "closed"), None
        if by_hours == "cutoff":
            return self._stop_intake(now, "cutoff"), None
        estimate, fits_today = outlook
        if not fits_today:
            return self._stop_intake(now, "capacity"), None
        return None, estimate

    def _closed(self, now: datetime, reason: str) -> IntakeClosed:
        upcoming = next_opening(self.office, now)
        return IntakeClosed("no walk-ins at this time", reason=reason, hours=hours_text(self.office),
                            phone=self.office.phone,
                            next_opening=to_db(upcoming.start) if upcoming and upcoming.start > now else None)

    def _stop_intake(self, now: datetime, reason: str) -> IntakeClosed:
        """Refuse, and record the first stop of the day per reason (the office evaluates them)."""
        day_start = datetime.combine(local_day(self.office, now), datetime.min.time(), self.office.timezone)
        seen = one(self.db, "SELECT seq FROM events WHERE at >= ? AND kind = 'intake_stopped'"
                   " AND location = ? AND json_extract(data, '$.reason') = ?",
                   (to_db(day_start), self.office.location, reason))
        if seen is None:
            self._event(now, EventKind.INTAKE_STOPPED, reason=reason)
        return self._closed(now, reason)

    def _new_ticket(self, now: datetime, *, kind: str, service: str, minutes: int, staff: str | None,
                    initial: str | None, language: str | None, request_id: str | None,
                    appointment_id: int | None = None, appointment_start: datetime | None = None,
                    needs: tuple[str | None, str | None] = (None, None)) -> Ticket:
        """Number and insert a ticket inside the caller's write transaction (UNIQUE backs it up)."""
        office = self.office
        prefix = office.appointment_prefix if kind == "appointment" else office.service(service).prefix
        day = local_day(office, now).isoformat()
        # A restore carries the day's numbers already handed out into ticket_number_floors.
        seq_no = self.db.execute(
            "SELECT MAX((SELECT COALESCE(MAX(seq_no), 0) FROM tickets WHERE location = ?1 AND day = ?2"
            " AND prefix = ?3), (SELECT COALESCE(MAX(seq_no), 0) FROM ticket_number_floors"
            " WHERE location = ?1 AND day = ?2 AND prefix = ?3)) + 1",
            (office.location, day, prefix)).fetchone()[0]
        row = one(self.db,
                  "INSERT INTO tickets (token, location, day, prefix, seq_no, number, kind, service, minutes,"
                  " staff, initial, language, state, appointment_id, appointment_start, request_id, created_at,"
                  " needs, interpreter) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?)"
                  " RETURNING *",
                  (new_token(), office.location, day, prefix, seq_no, f"{prefix} {seq_no:03d}", kind, service,
                   minutes, staff, initial, language, appointment_id,
                   to_db(appointment_start) if appointment_start else None, request_id, to_db(now), *needs))
        return Ticket.from_row(row)

    def _outlook(self, ticket: Ticket, now: datetime) -> Estimate:
        if ticket.state != TicketState.WAITING:
            return Estimate(position=0, minutes=0)
        if ticket.kind == "appointment":
            ahead = self.db.execute(
                "SELECT COUNT(*) FROM tickets WHERE state = 'waiting' AND kind = 'appointment'"
                " AND staff IS ? AND appointment_start < ? AND location = ? AND day = ?",
                (ticket.staff, to_db(ticket.appointment_start), ticket.location, ticket.day)).fetchone()[0]
            wait = (ticket.appointment_start - now).total_seconds() / 60
            return Estimate(position=ahead + 1, minutes=max(0, round(wait)))
        estimate, _ = walk_in_outlook(self.db, self.office, now, ticket.service, ticket.initial, ticket.id)
        return estimate

    def outlook(self, ticket: Ticket) -> Estimate:
        """Position and estimated wait of a ticket now (0/0 once it is no longer waiting)."""
        return self._outlook(ticket, self.now())


def hours_refusal(office: Office, now: datetime) -> str | None:
    """Why the hours alone refuse a walk-in now: "closed", "cutoff" (just before closing), or None."""
    opening = opening_at(office, now)
    if opening is None:
        return "closed"
    if now >= opening.end - timedelta(minutes=office.walk_in_cutoff_min):
        return "cutoff"
    return None


def _clean(language: str | None, request_id: str | None) -> tuple[str | None, str | None]:
    if language is not None and (not isinstance(language, str) or len(language) > LANGUAGE_MAX):
        raise InvalidInput("language must be a short language tag", field="language")
    if request_id is not None and (not isinstance(request_id, str) or not 0 < len(request_id) <= REQUEST_ID_MAX):
        raise InvalidInput("request_id must be a string of at most 100 characters", field="request_id")
    return language or None, request_id
