"""Refusals the engine gives, each with a stable code a surface can translate."""
from __future__ import annotations

from typing import Any


class QueueError(Exception):
    """A command that cannot be carried out. ``code`` is stable; ``details`` carry no personal data."""

    code = "queue_error"
    status = 409

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class NotFound(QueueError):
    code = "not_found"
    status = 404


class InvalidInput(QueueError):
    code = "invalid"
    status = 422


class InvalidTransition(QueueError):
    code = "invalid_transition"
    status = 409


class UnknownCode(QueueError):
    """Deliberately says nothing about whether a similar code exists."""

    code = "unknown_code"
    status = 404


class TooEarly(QueueError):
    code = "too_early"
    status = 409


class IntakeClosed(QueueError):
    """Walk-in refused: closed, after the cutoff, or the day's capacity is used up."""

    code = "intake_closed"
    status = 409


class SlotTaken(QueueError):
    code = "slot_taken"
    status = 409


class DeskPaused(QueueError):
    code = "desk_paused"
    status = 409


class DeskBusy(QueueError):
    code = "desk_busy"
    status = 409


class RequestIdReused(QueueError):
    """A request_id that already made a different ticket: a client bug, never a retry to answer."""

    code = "request_id_reused"
    status = 409
