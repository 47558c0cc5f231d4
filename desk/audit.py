"""Who read which visitor's personal data, when: one event per reading (no personal data in it).

The engine has no command for this yet, so the desk appends the event itself, in its own
write transaction, through the event log's one append function.
"""
from __future__ import annotations

from queue_core import Engine, events, store


def record_reading(engine: Engine, actor: str, what: str, appointment_id: int | None = None,
                   **details) -> None:
    with store.write(engine.db):
        events.append(engine.db, engine.now(), "personal_data_read", engine.office.location,
                      appointment_id=appointment_id, actor=actor, what=what, **details)
