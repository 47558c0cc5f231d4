"""Time for the engine: injected, so tests and the simulator can run a day in milliseconds."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that only moves when told to (tests, simulation)."""

    def __init__(self, start: datetime):
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = as_utc(when)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def as_utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("naive datetime: the engine needs timezone-aware times")
    return when.astimezone(timezone.utc)


def to_db(when: datetime) -> str:
    """UTC ISO text that sorts correctly as a string."""
    return as_utc(when).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text)
