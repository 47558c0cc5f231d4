"""Terminpraxis queue core: the domain, free of any web framework."""
from .clock import Clock, ManualClock, SystemClock
from .engine import Engine
from .errors import QueueError
from .models import Appointment, Call, CheckIn, Estimate, Reason, Ticket
from .office import Office
from .store import connect

__all__ = ["Appointment", "Call", "CheckIn", "Clock", "Engine", "Estimate", "ManualClock", "Office",
           "QueueError", "Reason", "SystemClock", "Ticket", "connect"]
