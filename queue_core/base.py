"""What every engine command shares: the store, the office, the clock, and the write transaction."""
from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any, Iterable, Iterator

from sqlite_utils import Database

from . import events, store
from .clock import Clock, SystemClock, to_db
from .errors import InvalidTransition, NotFound
from .models import Appointment, Ticket
from .office import Office


class EngineBase:
    def __init__(self, db: Database, office: Office, clock: Clock | None = None):
        self.db = db
        self.office = office
        self.clock = clock or SystemClock()

    def now(self) -> datetime:
        return self.clock.now()

    @contextlib.contextmanager
    def _command(self) -> Iterator[datetime]:
        """One command = one write transaction; the instant is read once so all its times agree."""
        with store.write(self.db):
            yield self.now()

    def _event(self, at: datetime, kind: str, /, **fields: Any) -> int:
        return events.append(self.db, at, kind, self.office.location, **fields)

    def ticket(self, ticket_id: int) -> Ticket:
        row = store.one(self.db, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        if row is None:
            raise NotFound("no such ticket", field="ticket")
        return Ticket.from_row(row)

    def ticket_by_token(self, token: str) -> Ticket:
        row = store.one(self.db, "SELECT * FROM tickets WHERE token = ?", (str(token),))
        if row is None:
            raise NotFound("no such ticket", field="token")
        return Ticket.from_row(row)

    def appointment(self, appointment_id: int) -> Appointment:
        row = store.one(self.db, "SELECT * FROM appointments WHERE id = ?", (appointment_id,))
        if row is None:
            raise NotFound("no such appointment", field="appointment")
        return Appointment.from_row(row)

    def room_of(self, desk: str | None) -> str | None:
        return self.office.room_of(desk)

    def _move(self, table: str, row_id: int, from_states: Iterable[str],
              changes: dict[str, Any]) -> dict[str, Any] | None:
        """UPDATE one row only if it is in one of the allowed states; None when it is not."""
        from_states = tuple(from_states)
        values = {k: to_db(v) if isinstance(v, datetime) else v for k, v in changes.items()}
        assignments = ", ".join(f"{k} = ?" for k in values)
        return store.one(
            self.db,
            f"UPDATE {table} SET {assignments} WHERE id = ?"
            f" AND state IN ({','.join('?' * len(from_states))}) RETURNING *",
            [*values.values(), row_id, *from_states],
        )

    def _move_ticket(self, ticket_id: int, from_states: Iterable[str], **changes: Any) -> Ticket:
        """Change a ticket's state only from the states allowed, else refuse with its current state."""
        row = self._move("tickets", ticket_id, from_states, changes)
        if row is None:
            current = self.ticket(ticket_id)
            raise InvalidTransition(f"ticket {current.number} is {current.state}",
                                    state=current.state, number=current.number)
        return Ticket.from_row(row)

    def _move_appointment(self, appointment_id: int, from_states: Iterable[str], **changes: Any) -> Appointment:
        row = self._move("appointments", appointment_id, from_states, changes)
        if row is None:
            current = self.appointment(appointment_id)
            raise InvalidTransition(f"appointment is {current.state}", state=current.state)
        return Appointment.from_row(row)
