"""Online booking by the visitor: book with optional contact (consent recorded), self-service by token.

The visitor's own link carries an unguessable token (as the phone status page does); with it they
cancel or move the appointment without an account. Contact data is optional, needs consent, and
caps how many open bookings one address may hold. A visitor whose concern needs no visit and who
follows the triage is recorded as "no visit needed" with the actor ``online`` (counted apart from
the phone's). Nothing here knows about Flask.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from . import outbox, store
from .base import EngineBase
from .clock import to_db
from .codes import new_token
from .errors import InvalidInput, NotFound, TooManyOpen
from .models import Appointment

ONLINE = "online"  # the actor of every online booking, cancel and move: staff see where it came from
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
NAME_MAX = 100
TOKEN_MAX = 64


@dataclass(frozen=True)
class Contact:
    appointment_id: int
    manage_token: str
    email: str | None
    mobile: str | None
    consent: bool
    online: bool


def storable(text: str, field: str) -> str:
    """Text SQLite can store: JSON lets lone surrogates ("\\ud800") through, UTF-8 refuses them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("the text contains characters that cannot be stored", field=field) from None
    return text


def normalise_email(text: str | None) -> str | None:
    value = storable((text or "").strip(), "email")
    if not value:
        return None
    if len(value) > 254 or not EMAIL.match(value):
        raise InvalidInput("that e-mail address cannot be right", field="email")
    return value


def normalise_mobile(text: str | None) -> str | None:
    """A mobile number as the gateway wants it: digits with an optional leading +."""
    value = re.sub(r"[\s()/.-]", "", (text or "").strip())
    if not value:
        return None
    if not re.fullmatch(r"\+?\d{6,18}", value):
        raise InvalidInput("that mobile number cannot be right", field="mobile")
    return value


def contact_key(value: str) -> str:
    """Compares contacts for the open-bookings cap without reading them back."""
    return hashlib.sha256(value.lower().encode()).hexdigest()


def checked_contact(email: str | None, mobile: str | None, consent: bool) -> tuple[str | None, str | None]:
    """(email, mobile) normalised; contact data without the visitor's consent is refused."""
    email, mobile = normalise_email(email), normalise_mobile(mobile)
    if (email or mobile) and not consent:
        raise InvalidInput("contact data needs your consent", field="consent")
    return email, mobile


def attach_contact(db: Database, now: datetime, appointment_id: int, email: str | None, mobile: str | None,
                   online: bool) -> None:
    """Inside the booking's transaction: the self-service token, the contact with its consent time,
    and the confirmation queued (for each consented channel)."""
    keys = [contact_key(v) for v in (email, mobile) if v]
    db.execute(
        "INSERT INTO appointment_contacts (appointment_id, manage_token, email, mobile, contact_key,"
        " consent_at, online, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (appointment_id, new_token(), email, mobile, keys[0] if keys else None,
         to_db(now) if keys else None, int(online), to_db(now)))
    outbox.enqueue(db, now, appointment_id, "confirmation")


class OnlineBooking(EngineBase):
    def book_online(self, *, service: str, starts_at: datetime, staff: str, name: str,
                    email: str | None = None, mobile: str | None = None, consent: bool = False,
                    language: str | None = None, max_open: int = 2,
                    latest: datetime | None = None) -> tuple[Appointment, Contact]:
        """Book a free slot for a visitor online; with contact and consent, queue the confirmation.

        Refuses a slot after ``latest`` (the online horizon), contact without consent, and a
        contact that already holds ``max_open`` open bookings."""
        name = storable(" ".join(str(name or "").split()), "name")
        if not name or len(name) > NAME_MAX:
            raise InvalidInput("please give your name", field="name")
        email, mobile = checked_contact(email, mobile, consent)
        starts_at, minutes = self._check_slot(service, staff, starts_at, None)
        if latest is not None and starts_at > latest:
            raise InvalidInput("that day is beyond the online booking horizon", field="starts_at")
        keys = [contact_key(v) for v in (email, mobile) if v]
        with self._command() as now:
            if keys and self._open_bookings(keys, now) >= max_open:
                raise TooManyOpen("this contact already has the most open bookings allowed", limit=max_open)
            appointment_id = self._insert_appointment(
                now, service=service, starts_at=starts_at, staff=staff, minutes=minutes, name=name,
                birth_date=None, phone=None, concern=None, notes=None, documents=(), language=language,
                actor=ONLINE)
            attach_contact(self.db, now, appointment_id, email, mobile, online=True)
        return self.appointment(appointment_id), self.contact(appointment_id)

    def _open_bookings(self, keys: list[str], now: datetime) -> int:
        marks = ",".join("?" for _ in keys)
        row = store.one(self.db, f"SELECT COUNT(*) AS n FROM appointment_contacts c JOIN appointments a"
                                 f" ON a.id = c.appointment_id WHERE c.contact_key IN ({marks})"
                                 f" AND a.state = 'booked' AND a.starts_at >= ?", [*keys, to_db(now)])
        return row["n"] if row else 0

    def contact(self, appointment_id: int) -> Contact | None:
        row = store.one(self.db, "SELECT * FROM appointment_contacts WHERE appointment_id = ?", (appointment_id,))
        if row is None:
            return None
        return Contact(row["appointment_id"], row["manage_token"], row["email"], row["mobile"],
                       row["consent_at"] is not None, bool(row["online"]))

    def appointment_by_manage_token(self, token: str) -> Appointment:
        """The appointment behind a self-service link; NotFound for any token that is not one."""
        if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
            raise NotFound("no such booking", field="token")
        row = store.one(self.db, "SELECT appointment_id FROM appointment_contacts WHERE manage_token = ?",
                        (token,))
        if row is None:
            raise NotFound("no such booking", field="token")
        return self.appointment(row["appointment_id"])

    def cancel_online(self, token: str) -> Appointment:
        return self.cancel_appointment(self.appointment_by_manage_token(token).id, actor=ONLINE)

    def rebook_online(self, token: str, *, starts_at: datetime, staff: str,
                      latest: datetime | None = None) -> Appointment:
        """Move one's own appointment to another free slot (code and link stay)."""
        current = self.appointment_by_manage_token(token)
        if latest is not None and isinstance(starts_at, datetime) and starts_at > latest:
            raise InvalidInput("that day is beyond the online booking horizon", field="starts_at")
        return self.rebook_appointment(current.id, starts_at=starts_at, staff=staff, actor=ONLINE)

    def online_ids(self, appointment_ids: list[int]) -> set[int]:
        """Which of these appointments were booked online (the staff's lists mark them)."""
        if not appointment_ids:
            return set()
        marks = ",".join("?" for _ in appointment_ids)
        return {r[0] for r in self.db.execute(
            f"SELECT appointment_id FROM appointment_contacts WHERE online = 1 AND appointment_id IN ({marks})",
            appointment_ids).fetchall()}


def purge_contacts(engine: EngineBase, before: str) -> int:
    """Erase the contact data of appointments before ``before`` (inside the purge's transaction);
    their unsent notices are dropped. The token stays: it leads only to a past appointment that can
    no longer change, whose personal fields the purge erased too."""
    erased = engine.db.execute(
        "UPDATE appointment_contacts SET email = NULL, mobile = NULL, contact_key = NULL WHERE appointment_id IN"
        " (SELECT id FROM appointments WHERE starts_at < ?) AND (email IS NOT NULL OR mobile IS NOT NULL)",
        (before,)).rowcount
    engine.db.execute(
        "UPDATE outbox SET state = 'dropped' WHERE state = 'pending' AND appointment_id IN"
        " (SELECT id FROM appointments WHERE starts_at < ?)", (before,))
    return erased
