"""The public origin phones use for the status page (KIOSK_PUBLIC_URL), and whether it can work.

A QR code pointing to 127.0.0.1 or localhost reaches only the kiosk computer itself, never a
visitor's phone; the start-up output and the admin's health page warn about it.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def is_loopback(origin: str) -> bool:
    """True for http://127.0.0.1:5000, http://localhost, http://[::1] …"""
    host = (urlsplit(origin if "//" in origin else "//" + origin).hostname or "").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """This computer's address in the local network (no packet is sent), or a placeholder."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only, nothing leaves the machine
            return probe.getsockname()[0]
        except OSError:
            return "<this-computer's-address>"
