"""The server's configuration as one typed, frozen object (``Settings``), built once per app.

The sources, later wins: the defaults here, the TOML file in TERMINPRAXIS_CONFIG, TERMINPRAXIS_*
environment variables, then the test's own mapping. One file describes everything: its keys that
are not server keys form the office mapping (``app.config["OFFICE"]``, ``queue_core/office.py``).
A value of the wrong type stops the start with a ConfigError naming the key, its source and why.
Readers ask ``settings()``; ``app.config`` holds the same values in upper case, because Flask
and its extensions read their own keys there.
"""
from __future__ import annotations

import os
import secrets
import tomllib
import typing
from pathlib import Path
from typing import Any, Literal, Mapping, Optional, Union

from flask import Config, Flask, current_app
from pydantic import (BaseModel, ConfigDict, NonNegativeFloat, NonNegativeInt, PositiveInt, ValidationError,
                      field_validator)

from queue_core.office import OFFICE_DEFAULTS

PREFIX = "TERMINPRAXIS"
EXTENSION = "settings"


class Settings(BaseModel):
    """Every server key with its default (docs/configuration.md "The server" explains each one)."""
    model_config = ConfigDict(frozen=True, extra="forbid")

    database: str = "instance/terminpraxis.db"
    config: Optional[str] = None
    async_mode: Literal["eventlet", "gevent", "threading"] = "eventlet"
    message_queue: Optional[str] = None
    synchronous: Literal["OFF", "NORMAL", "FULL", "EXTRA"] = "FULL"
    secret_key: Optional[str] = None
    display_follow_interval_ms: NonNegativeFloat = 20
    relay_follow: Optional[bool] = None
    board_upstream: Optional[str] = None
    board_history: NonNegativeInt = 6        # previous calls listed under the newest one
    board_message: str = ""                  # the office's ticker line (an admin may change it in /admin)
    board_highlight_s: NonNegativeInt = 10   # how long the newest call stays highlighted
    board_heartbeat_s: PositiveInt = 30      # how often a board reports (sound enabled, zone)
    office_logo: Optional[str] = None
    kiosk_idle_seconds: PositiveInt = 60
    kiosk_ticket_seconds: PositiveInt = 60
    kiosk_auto_print: bool = False
    kiosk_public_url: Optional[str] = None
    kiosk_info_dir: Optional[str] = None
    kiosk_wrong_code_limit: str = "10 per minute"
    kiosk_printer: Optional[str] = None
    kiosk_printer_timeout: NonNegativeFloat = 2
    kiosk_printer_profile: Optional[str] = None
    staff_session_hours: NonNegativeFloat = 12
    booking_horizon_days: PositiveInt = 366
    session_cookie_secure: bool = False
    database_busy_wait_s: NonNegativeFloat = 10
    max_content_length: PositiveInt = 1024 * 1024
    public_origins: Union[list[str], str, None] = None
    sign_in_limit: str = "10 per 5 minutes"
    # Online booking (/buchen) and notices to visitors (issue 14).
    online_booking: bool = True
    online_booking_days: PositiveInt = 14
    online_services: list[str] = []
    online_by_post: dict[str, list[str]] = {}
    postal_address: str = ""
    online_booking_limit: str = "5 per hour;20 per day"
    online_open_per_contact: PositiveInt = 2
    smtp_host: Optional[str] = None
    smtp_port: PositiveInt = 25
    smtp_from: str = "terminpraxis@localhost"
    smtp_username: Optional[str] = None
    smtp_password: Optional[str] = None
    smtp_starttls: bool = False
    sms_url: Optional[str] = None
    sms_authorization: Optional[str] = None
    sms_body: str = '{"to": "$to", "text": "$text"}'
    reminder_lead_hours: NonNegativeFloat = 24
    notify_interval_s: NonNegativeFloat = 15
    notify_timeout_s: NonNegativeFloat = 30
    notify_attempts: PositiveInt = 5
    notify_backoff_s: NonNegativeFloat = 60
    metrics_allow: Union[list[str], str] = ["127.0.0.1", "::1"]

    @field_validator("synchronous", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        """SQLite reads ``normal`` like ``NORMAL``; so does the configuration."""
        return value.upper() if isinstance(value, str) else value


KEYS = tuple(Settings.model_fields)


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


def settings(app: Flask | None = None) -> Settings:
    """The app's settings (in a request or app context: the current app's)."""
    return (app or current_app).extensions[EXTENSION]


def load(app: Flask, test_config: Mapping[str, Any] | None = None) -> Settings:
    """Build the app's Settings and its office mapping from all sources; fill ``app.config``."""
    test_config = dict(test_config or {})
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    extra: dict[str, Any] = {}
    path = test_config.get("CONFIG") or os.environ.get(f"{PREFIX}_CONFIG")
    office: dict[str, Any] = {}
    if path:
        values["config"] = os.fspath(path)
        _take(_read_toml(Path(path)), values, sources, office, f"the configuration file {path}")
    _take({k.lower(): v for k, v in test_config.pop("OFFICE", {}).items()}, values, sources, office,
          "the test's OFFICE mapping")
    for name, value in _environment().items():
        key = name.lower()
        if key in KEYS:
            values[key], sources[key] = value, f"the environment variable {PREFIX}_{name}"
        elif key in OFFICE_DEFAULTS:
            office[key] = value
        else:
            extra[name] = value
    for name, value in test_config.items():
        if name.lower() in KEYS:
            values[name.lower()] = os.fspath(value) if isinstance(value, os.PathLike) else value
            sources[name.lower()] = "the test's configuration"
        else:
            extra[name] = value
    found = _validated(values, sources)
    if not found.secret_key:
        # A board server has no sessions and no folder of its own; the others keep one beside the database.
        generated = (secrets.token_hex(32) if found.board_upstream
                     else _stored_secret(Path(found.database).resolve().parent))
        found = found.model_copy(update={"secret_key": generated})
    _publish(app, found)
    app.config.update(extra)
    app.config["OFFICE"] = office
    return found


def _take(found: Mapping[str, Any], values: dict[str, Any], sources: dict[str, str],
          office: dict[str, Any], source: str) -> None:
    """Sort one file's keys: server keys into ``values`` (noting where from), the rest to the office."""
    for key, value in found.items():
        if key in KEYS:
            values[key], sources[key] = value, source
        else:
            office[key] = value


def change(app: Flask, **values: Any) -> Settings:
    """The app's settings with some keys changed (validated like at start), e.g. in tests."""
    found = _validated({**settings(app).model_dump(), **{k.lower(): v for k, v in values.items()}},
                       {k.lower(): "a change" for k in values})
    _publish(app, found)
    return found


def _publish(app: Flask, found: Settings) -> None:
    app.extensions[EXTENSION] = found
    app.config.update({key.upper(): value for key, value in found.model_dump().items()})


def _validated(values: dict[str, Any], sources: Mapping[str, str]) -> Settings:
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        problem = error.errors()[0]
        key = str(problem["loc"][0]) if problem["loc"] else "?"
        raise ConfigError(f"{key} (from {sources.get(key, 'the defaults')}): {problem['msg']},"
                          f" got {problem['input']!r}") from None


def _environment() -> dict[str, Any]:
    """TERMINPRAXIS_* variables: JSON where it parses (numbers, lists, true), nested with ``__``.

    A server key whose type is not a list or table gets the variable's text as it is: its type
    decides (``TERMINPRAXIS_SMTP_PASSWORD=1234`` stays a text, ``…_BOARD_HISTORY=7`` becomes 7).
    """
    parsed = Config("")
    parsed.from_prefixed_env(PREFIX)
    parsed.pop("CONFIG", None)  # already read: the file itself
    for name in [n for n in parsed if n.lower() in KEYS and not _structured(n.lower())]:
        raw = os.environ.get(f"{PREFIX}_{name}")
        if raw is not None:
            parsed[name] = raw
    return dict(parsed)


def _structured(key: str) -> bool:
    """Whether the key's type takes a list or a table (then its variable is read as JSON)."""
    annotation = Settings.model_fields[key].annotation
    return any(typing.get_origin(arg) in (list, dict) for arg in (*typing.get_args(annotation), annotation))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return {k.lower(): v for k, v in tomllib.load(handle).items()}
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} not found ({PREFIX}_CONFIG)") from None
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
