"""Staff accounts, passwords (argon2) and API bearer tokens."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from .clock import to_db
from .errors import InvalidInput, NotFound
from .office import Office
from .store import one, write

ROLES = ("staff", "admin")
_hasher = PasswordHasher()


def _check_username(username: str) -> str:
    if not isinstance(username, str) or not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,39}", username):
        raise InvalidInput("usernames are 2–40 characters: a–z, 0–9, dot, dash, underscore", field="username")
    return username


def add_staff(db: Database, username: str, *, name: str, role: str, password: str, now: datetime) -> None:
    """Create a staff account, or set name, role and password of an existing one."""
    _check_username(username)
    if role not in ROLES:
        raise InvalidInput("role must be staff or admin", field="role")
    if not isinstance(password, str) or len(password) < 8:
        raise InvalidInput("the password needs at least 8 characters", field="password")
    with write(db):
        db.execute(
            "INSERT INTO staff (username, name, role, password_hash, active, created_at)"
            " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (username) DO UPDATE SET name = excluded.name,"
            " role = excluded.role, password_hash = excluded.password_hash, active = 1",
            (username, name or username, role, _hasher.hash(password), to_db(now)))


def sync_caseworkers(db: Database, office: Office, now: datetime) -> None:
    """Make sure every caseworker of the configuration has an account row (without a password yet)."""
    with write(db):
        for caseworker in office.staff.values():
            db.execute(
                "INSERT INTO staff (username, name, role, active, created_at) VALUES (?, ?, 'staff', 1, ?)"
                " ON CONFLICT (username) DO UPDATE SET name = excluded.name",
                (caseworker.username, caseworker.name, to_db(now)))


def verify_password(db: Database, username: str, password: str) -> dict | None:
    """The active account if the password is right, else None (same answer for unknown users)."""
    row = one(db, "SELECT username, name, role, password_hash FROM staff WHERE username = ? AND active = 1",
              (str(username),))
    try:
        if row and row["password_hash"] and _hasher.verify(row["password_hash"], str(password)):
            return {k: row[k] for k in ("username", "name", "role")}
    except (VerificationError, InvalidHashError):
        pass
    return None


def create_token(db: Database, username: str, now: datetime) -> str:
    """A new bearer token for the API; only its hash is stored, so it is shown once."""
    if one(db, "SELECT username FROM staff WHERE username = ? AND active = 1", (username,)) is None:
        raise NotFound(f"no active staff account {username!r}", field="username")
    token = secrets.token_urlsafe(32)
    with write(db):
        db.execute("INSERT INTO api_tokens (token_hash, username, created_at) VALUES (?, ?, ?)",
                   (hashlib.sha256(token.encode()).hexdigest(), username, to_db(now)))
    return token


def user_for_token(db: Database, token: str) -> dict | None:
    return one(db, "SELECT s.username, s.name, s.role FROM api_tokens t JOIN staff s USING (username)"
                   " WHERE t.token_hash = ? AND s.active = 1", (hashlib.sha256(str(token).encode()).hexdigest(),))
