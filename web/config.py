"""Configuration, Flask style: defaults here, then the TOML file in TERMINPRAXIS_CONFIG,
then TERMINPRAXIS_* environment variables, then the test's own mapping."""
from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from queue_core.office import OFFICE_DEFAULTS

# Keys of the server itself (upper case in app.config, lower case in the TOML file).
APP_DEFAULTS: dict[str, Any] = {
    "DATABASE": "instance/terminpraxis.db",
    "CONFIG": None,
    "ASYNC_MODE": "eventlet",
    "MESSAGE_QUEUE": None,
    "SYNCHRONOUS": "FULL",
    "SECRET_KEY": None,
    "DISPLAY_FOLLOW_INTERVAL_MS": 20,
    "RELAY_FOLLOW": None,
    "BOARD_UPSTREAM": None,
    "BOARD_HISTORY": 6,
    "BOARD_MESSAGE": "",
    "BOARD_HIGHLIGHT_S": 10,
    "BOARD_HEARTBEAT_S": 30,
    "OFFICE_LOGO": None,
    "KIOSK_IDLE_SECONDS": 60,
    "KIOSK_TICKET_SECONDS": 60,
    "KIOSK_AUTO_PRINT": False,
    "KIOSK_PUBLIC_URL": None,
    "KIOSK_INFO_DIR": None,
    "KIOSK_WRONG_CODE_LIMIT": "10 per minute",
    "KIOSK_PRINTER": None,
    "KIOSK_PRINTER_TIMEOUT": 2,
    "KIOSK_PRINTER_PROFILE": None,
    "STAFF_SESSION_HOURS": 12,
    "BOOKING_HORIZON_DAYS": 366,
    "SESSION_COOKIE_SECURE": False,
    "DATABASE_BUSY_WAIT_S": 10,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "PUBLIC_ORIGINS": None,
    "SIGN_IN_LIMIT": "10 per 5 minutes",
    # Online booking (/buchen) and notices to visitors (issue 14; see docs/configuration.md).
    "ONLINE_BOOKING": True,
    "ONLINE_BOOKING_DAYS": 14,
    "ONLINE_SERVICES": [],
    "ONLINE_BY_POST": {},
    "POSTAL_ADDRESS": "",
    "ONLINE_BOOKING_LIMIT": "5 per hour;20 per day",
    "ONLINE_OPEN_PER_CONTACT": 2,
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_FROM": "terminpraxis@localhost",
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "SMS_URL": None,
    "SMS_AUTHORIZATION": None,
    "SMS_BODY": '{"to": "$to", "text": "$text"}',
    "REMINDER_LEAD_HOURS": 24,
    "NOTIFY_INTERVAL_S": 15,
    "NOTIFY_TIMEOUT_S": 30,
    "NOTIFY_ATTEMPTS": 5,
    "NOTIFY_BACKOFF_S": 60,
    "METRICS_ALLOW": ["127.0.0.1", "::1"],
}


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


def load(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    app.config.from_mapping(APP_DEFAULTS)
    test_config = dict(test_config or {})
    path = test_config.get("CONFIG") or os.environ.get("TERMINPRAXIS_CONFIG")
    office: dict[str, Any] = {}
    if path:
        office = _read_toml(Path(path))
        app.config["CONFIG"] = str(path)
    office.update({k.lower(): v for k, v in test_config.pop("OFFICE", {}).items()})
    # One file describes everything: server keys found in it go to the app's config.
    for key in list(office):
        if key.upper() in APP_DEFAULTS:
            app.config[key.upper()] = office.pop(key)
    app.config.from_prefixed_env("TERMINPRAXIS")
    for key in OFFICE_DEFAULTS:
        if key.upper() in app.config:
            office[key] = app.config.pop(key.upper())
    app.config.update(test_config)
    app.config["OFFICE"] = office
    if not app.config["SECRET_KEY"] and app.config["BOARD_UPSTREAM"]:
        app.config["SECRET_KEY"] = secrets.token_hex(32)  # a board server has no sessions and no folder of its own
    elif not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _stored_secret(Path(app.config["DATABASE"]).resolve().parent)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return {k.lower(): v for k, v in tomllib.load(handle).items()}
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} not found (TERMINPRAXIS_CONFIG)") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"configuration file {path} is not valid TOML: {error}") from None


def _stored_secret(folder: Path) -> str:
    """Generated once beside the database and kept, so sessions survive a restart."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
