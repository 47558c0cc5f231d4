"""The queue engine: one object whose methods are the office's commands.

Each command is one write transaction that appends its event; nothing here knows about Flask.
"""
from __future__ import annotations

from .absences import Absences
from .accounts import Accounts
from .audit import AccessLog
from .booking import Booking
from .calls import Calls
from .climate import Climate
from .intake import Intake
from .locations import LocationCommands
from .online import OnlineBooking
from .printing import Printing
from .retention import Retention
from .settings import Settings


class Engine(Booking, Intake, Calls, AccessLog, Printing, OnlineBooking, Climate, Absences, Accounts, Retention,
             Settings, LocationCommands):
    """Book, check in, call and close visits for one office location, log who read personal data,
    keep the staff accounts and erase personal data past its retention."""
