"""The optional ESC/POS receipt printer: the ticket on paper after each check-in at this kiosk.

Configured by ``KIOSK_PRINTER`` (``target``): ``none``, ``network:HOST[:PORT]``, ``usb:VID:PID``
or ``file:/PATH``. The pieces: ``target`` reads the setting, ``receipt`` lays the ticket out,
``transport`` opens python-escpos's printer classes (the optional ``[printer]`` extra), ``jobs``
prints as a subscriber of the check-in event (a check-in never waits for paper) and keeps the
per-process state, ``staff`` is the banner and the state ``GET /api/v1/printer`` (kiosk.api) answers. A failure is logged,
kept per process and recorded as a ``printer_error`` event (``queue_core.printing``, no personal
data), shown to signed-in staff only.
"""
from .jobs import FAILED, PENDING, PRINTED, expect, outcome, print_checked_in, state
from .staff import banner_context, problem, status
from .target import PrinterConfigError, Target, configured, parse_target
from .transport import available

__all__ = ["FAILED", "PENDING", "PRINTED", "PrinterConfigError", "Target", "available", "banner_context",
           "configured", "expect", "outcome", "parse_target", "print_checked_in", "problem", "state", "status"]
