"""Online booking and the outbox in the engine: consent, the open-bookings cap, notices, purge."""
from __future__ import annotations

from datetime import timedelta

import pytest

from queue_core import outbox
from queue_core.errors import InvalidInput, InvalidTransition, NotFound
from queue_core.online import TooManyOpen
from queue_core.slots import free_slots


def first_slot(engine, service="weiterbewilligung", initial="M", skip=0, after_hours=0):
    slots = free_slots(engine.db, engine.office, engine.now(), service, initial=initial, days=5)
    return [s for s in slots if s.starts_at > engine.now() + timedelta(hours=after_hours)][skip]


def book(engine, slot, **extra):
    data = {"service": "weiterbewilligung", "starts_at": slot.starts_at, "staff": slot.staff, "name": "Mira Muster"}
    data.update(extra)
    return engine.book_online(**data)


def test_online_booking_records_consent_and_queues_one_confirmation_per_channel(engine):
    appointment, contact = book(engine, first_slot(engine), email="mira@example.org", mobile="+49 151 234567",
                                consent=True, language="ar")
    assert appointment.state == "booked" and appointment.language == "ar"
    assert contact.online and contact.consent and len(contact.manage_token) >= 22
    rows = engine.db.execute("SELECT kind, channel, state FROM outbox ORDER BY channel").fetchall()
    assert rows == [("confirmation", "email", "pending"), ("confirmation", "sms", "pending")]
    assert engine.db.execute("SELECT booked_by FROM appointments").fetchone()[0] == "online"


def test_contact_without_consent_is_refused_and_no_contact_means_no_notice(engine):
    with pytest.raises(InvalidInput) as refused:
        book(engine, first_slot(engine), email="mira@example.org")
    assert refused.value.details["field"] == "consent"
    book(engine, first_slot(engine))
    assert outbox.counts(engine.db)["pending"] == 0


@pytest.mark.parametrize("field,value", [("email", "not-an-address"), ("mobile", "call me"), ("name", "  ")])
def test_bad_contact_or_name_is_refused_with_its_field(engine, field, value):
    with pytest.raises(InvalidInput) as refused:
        book(engine, first_slot(engine), consent=True, **{field: value})
    assert refused.value.details["field"] == field


def test_one_contact_holds_at_most_the_allowed_open_bookings(engine):
    book(engine, first_slot(engine, skip=0), email="a@example.org", consent=True, max_open=2)
    book(engine, first_slot(engine, skip=0), email="A@example.org", consent=True, max_open=2)
    with pytest.raises(TooManyOpen):
        book(engine, first_slot(engine, skip=0), email="a@example.org", consent=True, max_open=2)


def test_self_service_cancel_frees_the_slot_and_queues_the_notice(engine):
    slot = first_slot(engine)
    appointment, contact = book(engine, slot, email="a@example.org", consent=True)
    assert first_slot(engine) != slot
    cancelled = engine.cancel_online(contact.manage_token)
    assert cancelled.state == "cancelled"
    assert first_slot(engine) == slot  # offered again
    kinds = [r[0] for r in engine.db.execute("SELECT kind FROM outbox ORDER BY id")]
    assert kinds == ["confirmation", "cancelled"]
    with pytest.raises(InvalidTransition):
        engine.cancel_online(contact.manage_token)
    with pytest.raises(NotFound):
        engine.cancel_online(contact.manage_token[:-1] + "x")


def test_a_move_drops_the_old_reminder_and_the_tick_queues_one_for_the_new_time(engine, clock):
    appointment, contact = book(engine, first_slot(engine, after_hours=30), email="a@example.org", consent=True)
    lead = timedelta(hours=24)
    clock.set(appointment.starts_at - lead + timedelta(minutes=1))
    assert outbox.queue_reminders(engine.db, engine.now(), lead) == 1
    assert outbox.queue_reminders(engine.db, engine.now(), lead) == 0  # idempotent
    later = first_slot(engine, skip=4, after_hours=2)
    engine.rebook_online(contact.manage_token, starts_at=later.starts_at, staff=later.staff)
    states = dict(engine.db.execute("SELECT kind, state FROM outbox WHERE kind IN ('reminder', 'moved')"))
    assert states == {"reminder": "dropped", "moved": "pending"}
    assert outbox.queue_reminders(engine.db, engine.now(), lead) == 1


def test_claim_backoff_and_a_dead_senders_row_is_never_sent_again(engine, clock):
    book(engine, first_slot(engine), email="a@example.org", consent=True)
    lease, retry = timedelta(seconds=30), outbox.Retry(attempts=2, backoff=timedelta(minutes=1))
    row = outbox.claim(engine.db, engine.now(), "one", lease)
    assert outbox.mark_failed(engine.db, row["id"], engine.now(), "ConnectionRefusedError", retry) == "pending"
    assert outbox.claim(engine.db, engine.now(), "one", lease) is None  # backing off
    clock.advance(minutes=1)
    row = outbox.claim(engine.db, engine.now(), "one", lease)
    assert row["attempts"] == 2
    clock.advance(minutes=5)  # the sender died mid-send: the lease runs out
    assert outbox.claim(engine.db, engine.now(), "two", lease) is None
    assert outbox.counts(engine.db)["uncertain"] == 1


def test_purge_erases_contacts_with_the_rest_and_drops_unsent_notices(engine, clock):
    appointment, contact = book(engine, first_slot(engine), email="a@example.org", mobile="0151 1234567",
                                consent=True)
    clock.set(appointment.starts_at + timedelta(days=engine.office.retention_days + 1))
    engine.purge()
    row = engine.db.execute("SELECT email, mobile, contact_key FROM appointment_contacts").fetchone()
    assert row == (None, None, None)
    assert outbox.counts(engine.db)["pending"] == 0
