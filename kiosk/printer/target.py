"""Reading ``KIOSK_PRINTER``: which receipt printer, if any (no escpos needed to understand it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from web.config import settings

DEFAULT_PORT = 9100
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


def configured(app: Flask) -> bool:
    """Is a receipt printer set at all (rightly or wrongly)?"""
    spec = settings(app).kiosk_printer
    return not (spec in (None, "", False) or (isinstance(spec, str) and spec.strip().lower() in NO_PRINTER))


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
