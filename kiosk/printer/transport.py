"""Reaching the printer: python-escpos's own printer classes (Network, File, Usb).

python-escpos is the optional extra ``terminpraxis[printer]`` (it brings Pillow, qrcode and
more, which an office without a receipt printer does not need). Without it the kiosk works on;
a configured printer then reports one clear printer error per ticket.
"""
from __future__ import annotations

import errno
import os
from typing import Any

from .target import Target


def _capabilities_cache() -> None:
    """python-escpos parses its 1 MB capabilities file on import and caches the result in a new
    temporary folder each time (so never reused, and one folder left behind per start): give it one
    folder of this user's own instead (not /tmp: a pickle there could be planted by another user)."""
    if os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR"):
        return
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "terminpraxis", "escpos")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return  # no home to write to: escpos falls back to its temporary folder
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder


_capabilities_cache()
try:
    from escpos import printer as escpos_printer
except ImportError:  # the [printer] extra is not installed
    escpos_printer = None

MISSING = "receipt printing needs python-escpos: pip install 'terminpraxis[printer]'"


def available() -> bool:
    """Is python-escpos installed?"""
    return escpos_printer is not None


def open_printer(target: Target, timeout: float, profile: str | None = None) -> Any:
    """An opened escpos printer for ``target``, or raise (OSError, RuntimeError, escpos's errors).

    ``timeout`` bounds connecting and each write for network and USB printers. A device file
    must exist (a plain file elsewhere is created, or overwritten with each ticket)."""
    if escpos_printer is None:
        raise RuntimeError(MISSING)
    options = {"profile": profile} if profile else {}
    if target.kind == "network":
        printer = escpos_printer.Network(target.host, target.port, timeout=timeout, **options)
    elif target.kind == "file":
        if target.path.startswith("/dev/") and not os.path.exists(target.path):
            raise FileNotFoundError(errno.ENOENT, "no such printer device", target.path)
        printer = escpos_printer.File(target.path, auto_flush=False, **options)
    else:
        if not escpos_printer.Usb.is_usable():
            raise RuntimeError("USB printing needs pyusb: pip install 'python-escpos[usb]'")
        printer = escpos_printer.Usb(target.vendor, target.product, timeout=int(timeout * 1000), **options)
    printer.open()
    return printer
