"""Refusals the engine gives, each with a stable code a surface can translate.

No HTTP here: the web layer maps each class to its status in one table (web/errors.py).
"""
from __future__ import annotations

from typing import Any


class QueueError(Exception):
    """A command that cannot be carried out. ``code`` is stable; ``details`` carry no personal data."""

    code = "queue_error"

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class NotFound(QueueError):
    code = "not_found"


class InvalidInput(QueueError):
    code = "invalid"


class InvalidTransition(QueueError):
    code = "invalid_transition"


class UnknownCode(QueueError):
    """Deliberately says nothing about whether a similar code exists."""

    code = "unknown_code"


class TooEarly(QueueError):
    code = "too_early"


class IntakeClosed(QueueError):
    """Walk-in refused: closed, after the cutoff, or the day's capacity is used up."""

    code = "intake_closed"


class SlotTaken(QueueError):
    code = "slot_taken"


class DeskPaused(QueueError):
    code = "desk_paused"


class DeskBusy(QueueError):
    code = "desk_busy"


class RequestIdReused(QueueError):
    """A request_id that already made a different ticket: a client bug, never a retry to answer."""

    code = "request_id_reused"


class TooManyOpen(QueueError):
    """The contact already holds as many open bookings as the office allows (online booking)."""

    code = "too_many_open"


class BackupError(QueueError):
    """A backup or restore cannot be made: a running office, a damaged file, another schema."""

    code = "backup_failed"
