"""Abuse protection of online booking, fitting a public office: limits per address, no captcha.

A captcha shuts out blind visitors, so the defence is a rate limit on new bookings per client
address (``ONLINE_BOOKING_LIMIT``, e.g. "5 per hour;20 per day", shared by the form and the API)
and the cap on open bookings per contact (engine). Storage is in memory, per server process.
"""
from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from web.config import settings

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", strategy="moving-window")


def _limit() -> str:
    return settings().online_booking_limit


new_bookings = limiter.shared_limit(_limit, scope="online-booking")
