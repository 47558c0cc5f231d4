"""The HTTP status of every refusal, in one table: the domain's errors carry a stable ``code`` and
no status (queue_core knows nothing of HTTP); the web layer answers each class with its status.

A class not in the table answers as its nearest listed base class (``QueueError``: 409).
"""
from __future__ import annotations

from queue_core.errors import (BackupError, DeskBusy, DeskPaused, IntakeClosed, InvalidInput, InvalidTransition,
                               NotFound, QueueError, RequestIdReused, SlotTaken, TooEarly, TooManyOpen, UnknownCode)
from queue_core.store import StoreUnavailable


class BadRequest(QueueError):
    """The request itself is malformed (not JSON, not an object, neither code nor walk-in)."""

    code = "bad_request"


class Forbidden(QueueError):
    """Signed in, but this account may not do that (e.g. act for a colleague)."""

    code = "forbidden"


STATUS: dict[type[Exception], int] = {
    BadRequest: 400,
    Forbidden: 403,
    NotFound: 404,
    UnknownCode: 404,  # says nothing about whether a similar code exists
    InvalidInput: 422,
    QueueError: 409,  # a command that cannot be carried out in the current state
    InvalidTransition: 409,
    TooEarly: 409,
    IntakeClosed: 409,
    SlotTaken: 409,
    DeskPaused: 409,
    DeskBusy: 409,
    RequestIdReused: 409,
    TooManyOpen: 409,
    BackupError: 409,
    StoreUnavailable: 503,  # nothing is wrong with the request: try again after Retry-After
}


def status_of(error: Exception) -> int:
    """The HTTP status for ``error``: its class's entry, else its nearest listed base class's (else 500)."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500
