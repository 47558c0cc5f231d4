"""Appointments: book, cancel, resolve by post, expire the missed ones."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable

from . import outbox, servicetime
from .absences import spans_of
from .base import EngineBase
from .clock import as_utc, to_db
from .codes import code_hash, new_code
from .errors import InvalidInput, SlotTaken
from .models import APPOINTMENT_MINUTES, Appointment
from .online import attach_contact, checked_contact
from .needs import clean as clean_needs
from .schedule import fits_hours, local_day
from .slots import booked_spans
from .states import AppointmentState, EventKind
from .store import dumps, one


class Booking(EngineBase):
    def book_appointment(self, *, service: str, starts_at: datetime, staff: str | None = None,
                         duration_min: int | None = None, name: str | None = None,
                         birth_date: str | None = None, phone: str | None = None,
                         concern: str | None = None, notes: str | None = None,
                         documents: Iterable[str] = (), language: str | None = None,
                         actor: str | None = None, email: str | None = None, mobile: str | None = None,
                         consent: bool = False, needs: Any = None, interpreter: str | None = None) -> Appointment:
        """Book an appointment in office hours; refuses a slot that overlaps the caseworker's others.

        With an e-mail address or mobile number (and the caller's consent) the confirmation, the
        reminder and any notice go there, and the caller gets a self-service link. Stated needs
        (queue_core.needs) travel with the appointment to its ticket."""
        starts_at, minutes = self._check_slot(service, staff, starts_at, duration_min)
        email, mobile = checked_contact(email, mobile, consent)
        stated = clean_needs(needs, interpreter, self.office)
        with self._command() as now:
            appointment_id = self._insert_appointment(
                now, service=service, starts_at=starts_at, staff=staff, minutes=minutes, name=name,
                birth_date=birth_date, phone=phone, concern=concern, notes=notes, documents=documents,
                language=language, actor=actor, needs=stated)
            if email or mobile:
                attach_contact(self.db, now, appointment_id, email, mobile, online=False)
        return self.appointment(appointment_id)

    def _insert_appointment(self, now: datetime, *, service: str, starts_at: datetime, staff: str | None,
                            minutes: int, name: str | None, birth_date: str | None, phone: str | None,
                            concern: str | None, notes: str | None, documents: Iterable[str],
                            language: str | None, actor: str | None,
                            needs: tuple[str | None, str | None] = (None, None)) -> int:
        """The booking inside an open command (slot checked by ``_check_slot``): row and event, its id."""
        if starts_at < now:
            raise InvalidInput("the appointment lies in the past", field="starts_at")
        if staff is not None:
            self._refuse_overlap(staff, starts_at, minutes)
        code = self._unused_code()
        cursor = self.db.execute(
            "INSERT INTO appointments (code, code_hash, location, service, staff, starts_at,"
            " duration_min, state, name, birth_date, phone, concern, notes, documents, language,"
            " booked_at, booked_by, needs, interpreter)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (code, code_hash(code), self.office.location, service, staff, to_db(starts_at), minutes,
             name, birth_date, phone, concern, notes,
             dumps([documents] if isinstance(documents, str) else list(documents)), language,
             to_db(now), actor, *needs),
        )
        appointment_id = int(cursor.lastrowid)
        self._event(now, EventKind.APPOINTMENT_BOOKED, appointment_id=appointment_id, actor=actor,
                    service=service, staff=staff, starts_at=to_db(starts_at), minutes=minutes,
                    lead_days=(local_day(self.office, starts_at) - local_day(self.office, now)).days)
        return appointment_id

    def _check_slot(self, service: str, staff: str | None, starts_at: datetime,
                    duration_min: int | None) -> tuple[datetime, int]:
        """What every booking checks before it takes the write lock: service, caseworker, time, length, hours."""
        svc = self.office.service(service)
        if staff is not None:
            caseworker = self.office.caseworker(staff)
            if service not in caseworker.services:
                raise InvalidInput(f"{caseworker.name} does not handle {svc.name}", field="staff")
        if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
            raise InvalidInput("starts_at needs a date, time and UTC offset", field="starts_at")
        starts_at = as_utc(starts_at)
        try:
            minutes = svc.minutes if duration_min is None else int(duration_min)
        except (TypeError, ValueError):
            raise InvalidInput("duration must be a whole number of minutes", field="duration_min") from None
        if not APPOINTMENT_MINUTES[0] <= minutes <= APPOINTMENT_MINUTES[1]:
            raise InvalidInput("duration must be between 1 minute and 8 hours", field="duration_min")
        if not fits_hours(self.office, starts_at, minutes):
            raise InvalidInput("the appointment is not within office hours", field="starts_at")
        return starts_at, minutes

    def rebook_appointment(self, appointment_id: int, *, starts_at: datetime, staff: str | None = None,
                           actor: str | None = None) -> Appointment:
        """Move a booked appointment to another time (and caseworker). It keeps its code, so the
        visitor's slip stays valid; the office's "cancel and rebook" in one step."""
        current = self.appointment(appointment_id)
        staff = current.staff if staff is None else staff
        starts_at, minutes = self._check_slot(current.service, staff, starts_at, current.duration_min)
        with self._command() as now:
            if starts_at < now:
                raise InvalidInput("the appointment lies in the past", field="starts_at")
            if staff is not None:
                self._refuse_overlap(staff, starts_at, minutes, besides=appointment_id)
            moved = self._move_appointment(appointment_id, (AppointmentState.BOOKED,), starts_at=starts_at,
                                           staff=staff)
            self._event(now, EventKind.APPOINTMENT_REBOOKED, appointment_id=appointment_id, actor=actor,
                        service=moved.service, staff=staff, starts_at=to_db(starts_at), minutes=minutes,
                        previous_starts_at=to_db(current.starts_at), previous_staff=current.staff)
            outbox.enqueue(self.db, now, appointment_id, "moved")
        return moved

    def _refuse_overlap(self, staff: str, starts_at: datetime, minutes: int, besides: int = 0) -> None:
        ends_at = starts_at + timedelta(minutes=minutes)
        if booked_spans(self.db, [staff], starts_at, ends_at, besides=besides):
            raise SlotTaken("the caseworker already has an appointment at that time")
        if spans_of(self.db, [staff], starts_at, ends_at):
            raise SlotTaken("the caseworker is absent at that time")

    def _unused_code(self) -> str:
        while True:
            code = new_code()
            if one(self.db, "SELECT id FROM appointments WHERE code_hash = ?", (code_hash(code),)) is None:
                return code

    def cancel_appointment(self, appointment_id: int, actor: str | None = None) -> Appointment:
        return self._close_booked(appointment_id, AppointmentState.CANCELLED, EventKind.APPOINTMENT_CANCELLED,
                                  actor, notice="cancelled")

    def resolve_by_post(self, appointment_id: int, actor: str | None = None) -> Appointment:
        """Documents come by post instead: the visit is avoided (the office counts these)."""
        return self._close_booked(appointment_id, AppointmentState.BY_POST, EventKind.APPOINTMENT_BY_POST, actor)

    def _close_booked(self, appointment_id: int, state: AppointmentState, kind: EventKind,
                      actor: str | None, notice: str | None = None) -> Appointment:
        """A booked appointment ends in ``state`` with its event (and the visitor's ``notice``)."""
        with self._command() as now:
            appointment = self._move_appointment(appointment_id, (AppointmentState.BOOKED,), state=state,
                                                 closed_at=now)
            self._event(now, kind, appointment_id=appointment_id, actor=actor,
                        service=appointment.service, staff=appointment.staff)
            if notice:
                outbox.enqueue(self.db, now, appointment_id, notice)
        return appointment

    def record_no_visit(self, *, service: str, staff: str | None = None, name: str | None = None,
                        concern: str | None = None, notes: str | None = None, documents: Iterable[str] = (),
                        actor: str | None = None) -> Appointment:
        """A caller who needs no visit: documents come by post. Recorded as a resolved appointment
        (state by_post, at the time of the call) so the office can count visits avoided."""
        self.office.service(service)
        if staff is not None:
            self.office.caseworker(staff)
        with self._command() as now:
            code = self._unused_code()
            cursor = self.db.execute(
                "INSERT INTO appointments (code, code_hash, location, service, staff, starts_at, duration_min,"
                " state, name, concern, notes, documents, booked_at, booked_by, closed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, 'by_post', ?, ?, ?, ?, ?, ?, ?)",
                (code, code_hash(code), self.office.location, service, staff, to_db(now), name, concern, notes,
                 dumps([documents] if isinstance(documents, str) else list(documents)), to_db(now), actor,
                 to_db(now)))
            appointment_id = int(cursor.lastrowid)
            self._event(now, EventKind.NO_VISIT_NEEDED, appointment_id=appointment_id, actor=actor, service=service,
                        staff=staff)
        return self.appointment(appointment_id)

    def expire_missed(self) -> list[int]:
        """Appointments not checked in by start + late tolerance become missed, one event each."""
        cutoff = self.now() - timedelta(minutes=self.office.late_tolerance_min)
        expired = []
        for (appointment_id,) in self.db.execute(
                "SELECT id FROM appointments WHERE state = 'booked' AND starts_at < ? AND location = ?",
                (to_db(cutoff), self.office.location)).fetchall():
            with self._command() as now:
                row = one(self.db, "UPDATE appointments SET state = 'missed', closed_at = ?"
                          " WHERE id = ? AND state = 'booked' RETURNING service, staff",
                          (to_db(now), appointment_id))
                if row:
                    self._event(now, EventKind.APPOINTMENT_MISSED, appointment_id=appointment_id, **row)
                    servicetime.record_missed(self.db, now)
                    expired.append(appointment_id)
        return expired
