"""The optional ESC/POS receipt printer (python-escpos): the ticket on paper after each check-in.

Configured by ``KIOSK_PRINTER``:

- ``none`` (or unset): no receipt printer; the ticket page's print button uses the browser.
- ``network:HOST[:PORT]``: a network printer (raw TCP, port 9100 by default).
- ``usb:VID:PID``: a USB printer by vendor and product id in hex (``usb:04b8:0202``); needs pyusb
  (``pip install 'python-escpos[usb]'``) and access to the device.
- ``file:/PATH``: a device file (``file:/dev/usb/lp0``) or any file (tests, trying it out).

Printing never fails a check-in: the check-in is committed first, the receipt is composed from
the committed ticket, and the bytes are sent by a background task. The request waits for it at
most ``KIOSK_PRINTER_TIMEOUT`` seconds (also the connect/write timeout); after that the kiosk tells
the visitor to take a photo of the number and the QR code, and the task finishes on its own.
A failure is logged, kept per process (``state()``) and recorded as a ``printer_error`` event
(``queue_core.printing``, no personal data), and shown to signed-in staff: the banner in the
staff pages and ``GET /api/v1/printer``. Public screens never show it.
"""
from __future__ import annotations

import errno
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, time as day_time
from typing import Any, Callable

from flask import Flask, current_app
from flask_babel import force_locale, gettext as _

from queue_core import Engine
from queue_core.models import CheckIn
from queue_core.schedule import local_day, local_instant, wall_clock
from web.api import bp
from web.auth import login_required
from web.engine import get_engine, open_engine

from .common import current_language, local_date, local_time, status_url, ticket_status, wait_text

DEFAULT_PORT = 9100
DEFAULT_TIMEOUT = 2.0
PRINTED, FAILED, PENDING = "printed", "failed", "pending"
# Receipt printers have no Arabic shaping or right-to-left order: Arabic receipts use the office's language.
RECEIPT_FALLBACK = {"ar": "de"}
NO_PRINTER = ("", "none", "off", "false", "no")


class PrinterConfigError(ValueError):
    """KIOSK_PRINTER cannot be understood; the message says what is expected."""


@dataclass(frozen=True)
class Target:
    kind: str  # network | usb | file
    host: str = ""
    port: int = DEFAULT_PORT
    vendor: int = 0
    product: int = 0
    path: str = ""

    def __str__(self) -> str:
        if self.kind == "network":
            return f"network:{self.host}:{self.port}"
        if self.kind == "usb":
            return f"usb:{self.vendor:04x}:{self.product:04x}"
        return f"file:{self.path}"


def parse_target(spec: Any) -> Target | None:
    """``KIOSK_PRINTER`` → a Target, or None for no printer. Raises PrinterConfigError."""
    if spec is None or spec is False:
        return None
    if not isinstance(spec, str):
        raise PrinterConfigError("KIOSK_PRINTER must be text, e.g. network:192.168.1.50")
    spec = spec.strip()
    if spec.lower() in NO_PRINTER:
        return None
    kind, _sep, rest = spec.partition(":")
    kind = kind.lower()
    if kind == "file" and rest:
        return Target("file", path=rest)
    if kind == "network" and rest:
        host, port = rest, DEFAULT_PORT
        if rest.startswith("["):  # [IPv6]:port
            host, _sep, tail = rest[1:].partition("]")
            if tail.startswith(":"):
                port = _port(tail[1:])
        elif rest.count(":") == 1:
            host, port_text = rest.split(":")
            port = _port(port_text)
        if host:
            return Target("network", host=host, port=port)
    if kind == "usb":
        parts = rest.split(":")
        if len(parts) == 2:
            try:
                return Target("usb", vendor=int(parts[0], 16), product=int(parts[1], 16))
            except ValueError:
                pass
    raise PrinterConfigError(f"KIOSK_PRINTER {spec!r}: expected none, network:HOST[:PORT], usb:VID:PID "
                             "(hex) or file:/PATH")


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise PrinterConfigError(f"KIOSK_PRINTER: {text!r} is not a port number")
    return int(text)


# --- composing the receipt ----------------------------------------------------------------------

def compose(engine: Engine, result: CheckIn, profile: str | None = None) -> bytes:
    """The ticket as ESC/POS bytes: office, number (large), where to wait, time or estimate,
    a QR code to the phone status page, date and time, then a cut. Needs a request context
    (texts in the visitor's language, the status page's address)."""
    from escpos.printer import Dummy

    ticket = result.ticket
    status = ticket_status(engine, ticket, result.estimate)
    url = status_url(ticket.token)
    language = RECEIPT_FALLBACK.get(current_language(), current_language())
    printer = Dummy(profile=profile) if profile else Dummy()
    with force_locale(language):
        printer.set_with_default(align="center")
        printer.textln(engine.office.name)
        printer.ln()
        printer.textln(_("Your number"))
        printer.set(align="center", bold=True, double_width=True, double_height=True)
        printer.textln(ticket.number)
        printer.set_with_default(align="center")
        printer.ln()
        if status["room"]:
            printer.textln(_("Please go to %(room)s.", room=status["room"]))
        elif ticket.kind == "appointment" and status["appointment_time"]:
            printer.textln(_("Your appointment: %(time)s", time=status["appointment_time"]))
        else:
            printer.textln(_("Estimated wait:") + " " + wait_text(status["wait_range"]))
            printer.textln(_("Visitors with an appointment are called first."))
        printer.ln()
        if printer.profile.supports("qrCode"):
            printer.qr(url, size=6, native=True)
        else:
            printer.qr(url, size=6, native=False, center=True)
        printer.textln(_("Scan to follow your number on your phone."))
        printer.textln(f"{local_date(engine, ticket.created_at)} {local_time(engine, ticket.created_at)}")
        printer.cut()
    return printer.output


# --- sending the bytes ----------------------------------------------------------------------------

def send(target: Target, data: bytes, timeout: float) -> None:
    """Deliver ``data`` to the printer within about ``timeout`` seconds, or raise OSError/RuntimeError."""
    if target.kind == "network":
        with socket.create_connection((target.host, target.port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            conn.sendall(data)
        return
    if target.kind == "file":
        _write_file(target.path, data, timeout)
        return
    _send_usb(target, data, timeout)


def _write_file(path: str, data: bytes, timeout: float) -> None:
    """Non-blocking writes, so a printer that is off or out of paper cannot hang the server
    (a device file that is not ready says EAGAIN; we retry until the deadline)."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK
    if not path.startswith("/dev/"):
        flags |= os.O_CREAT  # a plain file is created; a missing device is an error
    deadline = time.monotonic() + timeout
    fd = os.open(path, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            try:
                written = os.write(fd, view)
            except BlockingIOError:
                written = 0
            view = view[written:]
            if view:
                if time.monotonic() >= deadline:
                    raise TimeoutError(errno.ETIMEDOUT, f"printer device {path} did not take the ticket in time")
                time.sleep(0.02)
    finally:
        os.close(fd)


def _send_usb(target: Target, data: bytes, timeout: float) -> None:
    from escpos.printer import Usb

    if not Usb.is_usable():
        raise RuntimeError("USB printing needs pyusb: pip install 'python-escpos[usb]'")
    printer = Usb(target.vendor, target.product, timeout=int(timeout * 1000))
    try:
        printer._raw(data)  # python-escpos's own way to send prepared bytes
    finally:
        printer.close()


# --- per-process state and the background job ----------------------------------------------------

def state(app: Flask) -> dict[str, Any]:
    """This process's printer state: target, last error {at, error, number}, last success."""
    return app.extensions.setdefault("kiosk_printer", {"lock": threading.Lock(), "last_error": None,
                                                       "last_ok_at": None, "printed": 0, "failed": 0})


def _now(app: Flask) -> datetime:
    """The engine's clock (the tests' manual clock too), so printer times compare with event times."""
    return app.extensions["terminpraxis"]["clock"].now()


def _record_failure(app: Flask, target: str, error: BaseException | str, number: str | None) -> None:
    text = error if isinstance(error, str) else (f"{type(error).__name__}: {error}" if str(error)
                                                 else type(error).__name__)
    text = text[:200]
    info = state(app)
    info["last_error"] = {"at": _now(app), "printer": target, "error": text, "number": number}
    info["failed"] += 1
    app.logger.warning("receipt printer %s: %s (ticket %s)", target, text, number)
    try:
        engine = open_engine(app)
        try:
            engine.record_printer_error(target, text, number)
        finally:
            engine.db.close()
    except Exception:  # the log line above is all we can do
        app.logger.exception("could not record the printer error")


def _job(app: Flask, target: Target, data: bytes, timeout: float, number: str,
         done: threading.Event, outcome: dict[str, str]) -> None:
    info = state(app)
    try:
        # One ticket at a time per printer; a printer busy longer than the timeout counts as a failure.
        if not info["lock"].acquire(timeout=timeout):
            raise TimeoutError("the printer is still busy with an earlier ticket")
        try:
            send(target, data, timeout)
        finally:
            info["lock"].release()
    except Exception as error:  # noqa: BLE001 - any printer problem is reported, never raised
        outcome["status"] = FAILED
        try:
            _record_failure(app, str(target), error, number)  # recorded before the kiosk answers
        finally:
            done.set()
        return
    info["last_ok_at"] = _now(app)
    info["printed"] += 1
    outcome["status"] = PRINTED
    done.set()


def start_background(job: Callable, *args: Any) -> None:
    """Run ``job`` in the server's background-task mechanism (thread, greenlet)."""
    from web.extensions import socketio

    socketio.start_background_task(job, *args)


def after_check_in(result: CheckIn) -> str | None:
    """Print the ticket of a committed check-in. Returns None (no printer configured, or a repeat
    of an earlier check-in), "printed", "failed", or "pending" (still printing after the timeout).
    Never raises."""
    app = current_app._get_current_object()
    if not result.created or not configured(app):
        return None
    spec = app.config.get("KIOSK_PRINTER")
    number = result.ticket.number
    try:
        target = parse_target(spec)
    except PrinterConfigError as error:
        _record_failure(app, str(spec)[:100], str(error), number)
        return FAILED
    if target is None:
        return None
    timeout = _timeout(app)
    try:
        data = compose(get_engine(), result, app.config.get("KIOSK_PRINTER_PROFILE") or None)
    except Exception as error:  # noqa: BLE001 - a receipt that cannot be composed is a printer problem
        _record_failure(app, str(target), error, number)
        return FAILED
    done, outcome = threading.Event(), {"status": PENDING}
    try:
        start_background(_job, app, target, data, timeout, number, done, outcome)
    except Exception as error:  # noqa: BLE001
        _record_failure(app, str(target), error, number)
        return FAILED
    done.wait(timeout + 0.5)
    return outcome["status"]


def _timeout(app: Flask) -> float:
    try:
        value = float(app.config.get("KIOSK_PRINTER_TIMEOUT", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT
    return min(max(value, 0.1), 30.0)


# --- what staff see -------------------------------------------------------------------------------

def problem(app: Flask, engine: Engine) -> dict[str, Any] | None:
    """Today's last printer problem that no successful print in this process has followed, or None.

    Read from the event log (any process of this location may have printed), so a restart
    does not hide it; ``at`` is office-local time.
    """
    if not configured(app):
        return None
    now = engine.now()
    since = local_instant(engine.office, local_day(engine.office, now), day_time(0, 0))
    found = engine.last_printer_error(since)
    if found is None:
        return None
    last_ok = state(app)["last_ok_at"]
    if last_ok is not None and last_ok >= found.at:  # printed since (or in the same instant)
        return None
    return {"at": wall_clock(engine.office, found.at),
            "at_utc": found.at.isoformat(), "printer": found.printer, "error": found.error,
            "number": found.number}


def status(app: Flask, engine: Engine) -> dict[str, Any]:
    """The staff view of the printer (``GET /api/v1/printer``)."""
    spec = app.config.get("KIOSK_PRINTER")
    info = state(app)
    try:
        target = parse_target(spec)
        is_set, printer = target is not None, str(target) if target else None
    except PrinterConfigError:
        is_set, printer = True, str(spec)[:100]
    last_ok = info["last_ok_at"]
    found = problem(app, engine)
    return {"configured": is_set, "printer": printer, "ok": is_set and found is None,
            "problem": found, "last_printed_at": last_ok.isoformat() if last_ok else None,
            "printed": info["printed"], "failed": info["failed"]}


@bp.get("/printer")
@login_required("staff")
def printer_status():
    """Staff only: is the receipt printer working? (the staff pages' banner polls it)."""
    return status(current_app._get_current_object(), get_engine())


def configured(app: Flask) -> bool:
    spec = app.config.get("KIOSK_PRINTER")
    return not (spec in (None, "", False) or (isinstance(spec, str) and spec.strip().lower() in NO_PRINTER))


def banner_context() -> dict[str, Any]:
    """For the staff pages' banner: ``printer_problem()`` (called only for signed-in staff), defined
    only when a receipt printer is configured (else the staff pages carry no banner at all)."""
    if not configured(current_app._get_current_object()):
        return {}

    def printer_problem() -> dict[str, Any] | None:
        try:
            return problem(current_app._get_current_object(), get_engine())
        except Exception:  # noqa: BLE001 - a banner must never break a staff page
            current_app.logger.exception("printer banner")
            return None

    return {"printer_problem": printer_problem}
