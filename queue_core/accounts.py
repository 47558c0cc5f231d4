"""Staff accounts, passwords (argon2) and API bearer tokens.

Every read and change of the ``staff`` and ``api_tokens`` tables lives here, so the sign-in,
the admin page and the CLI agree on what "an active account" is. Reads are functions of the
store; every change is an engine command (``Accounts``) that appends its event, so the log
answers "who made whom an admin, and when". The events name the account and what changed,
never a password, a hash, a token or the account's display name.
"""
from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from .base import EngineBase
from .clock import to_db
from .errors import InvalidInput, NotFound
from .states import EventKind
from .store import one, rows

ROLES = ("staff", "admin")
_hasher = PasswordHasher()
_dummy: list[str] = []  # a hash of a random password, made on first use
# Every change that ends the account's sessions (see m013_staff_session_version).
_END_SESSIONS = "session_version = session_version + 1"


def _check_username(username: str) -> str:
    if not isinstance(username, str) or not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,39}", username):
        raise InvalidInput("usernames are 2–40 characters: a–z, 0–9, dot, dash, underscore", field="username")
    return username


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput("role must be staff or admin", field="role")
    return role


def _check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < 8:
        raise InvalidInput("the password needs at least 8 characters", field="password")
    return password


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidInput("a name needs 1–200 characters", field="name")
    return name.strip()


def verify_password(db: Database, username: str, password: str) -> dict | None:
    """The active account if the password is right, else None.

    Unknown, disabled and password-less accounts are checked against a dummy hash, so the answer
    takes as long as for a real account and timing says nothing about which names exist.
    """
    row = one(db, "SELECT username, name, role, session_version, password_hash FROM staff"
                  " WHERE username = ? AND active = 1", (str(username),))
    known = bool(row and row["password_hash"])
    try:
        if _hasher.verify(row["password_hash"] if known else dummy_hash(), str(password)) and known:
            return {k: row[k] for k in ("username", "name", "role", "session_version")}
    except (VerificationError, InvalidHashError):
        pass
    return None


def dummy_hash() -> str:
    """A hash with the hasher's own parameters, of a password nobody knows."""
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_urlsafe(32)))
    return _dummy[0]


def user_for_token(db: Database, token: str) -> dict | None:
    """The active account a bearer token belongs to, else None (unknown token or disabled account)."""
    return one(db, "SELECT s.username, s.name, s.role FROM api_tokens t JOIN staff s USING (username)"
                   " WHERE t.token_hash = ? AND s.active = 1", (hashlib.sha256(str(token).encode()).hexdigest(),))


def get_account(db: Database, username: str) -> dict | None:
    """The active account ({username, name, role, session_version}) or None.

    Looked up on every signed-in request, so disabling an account ends its sessions at once.
    """
    return one(db, "SELECT username, name, role, session_version FROM staff WHERE username = ? AND active = 1",
               (str(username),))


def list_staff(db: Database) -> list[dict]:
    """Every account for the admin page: username, name, role, active, has_password, disabled_at.

    Never the hash itself: whether a password is set is all the page needs to know.
    """
    return rows(db, "SELECT username, name, role, active, password_hash IS NOT NULL AS has_password, disabled_at"
                    " FROM staff ORDER BY username")


class Accounts(EngineBase):
    """The account commands; ``actor`` is who made the change (None: the command line)."""

    def add_staff(self, username: str, *, name: str, role: str, password: str, actor: str | None = None) -> None:
        """Create a staff account, or set name, role and password of an existing one (and enable it again)."""
        _check_username(username)
        _check_role(role)
        password_hash = _hasher.hash(_check_password(password))  # slow: hashed before the write lock is taken
        with self._command() as now:
            new = one(self.db, "SELECT 1 AS found FROM staff WHERE username = ?", (username,)) is None
            self.db.execute(
                "INSERT INTO staff (username, name, role, password_hash, active, created_at)"
                " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (username) DO UPDATE SET name = excluded.name,"
                " role = excluded.role, password_hash = excluded.password_hash, active = 1, disabled_at = NULL, "
                + _END_SESSIONS,
                (username, name or username, role, password_hash, to_db(now)))
            self._event(now, EventKind.ACCOUNT_SAVED, actor=actor, account=username, role=role, new=new)

    def sync_caseworkers(self) -> None:
        """Make sure every caseworker of the configuration has an account row (without a password yet).

        One event lists the accounts added and renamed; when nothing changed, none is appended.
        """
        with self._command() as now:
            known = {row["username"]: row["name"] for row in rows(self.db, "SELECT username, name FROM staff")}
            added, renamed = [], []
            for caseworker in self.office.staff.values():
                if known.get(caseworker.username, caseworker.name) != caseworker.name:
                    renamed.append(caseworker.username)
                elif caseworker.username not in known:
                    added.append(caseworker.username)
                else:
                    continue
                self.db.execute(
                    "INSERT INTO staff (username, name, role, active, created_at) VALUES (?, ?, 'staff', 1, ?)"
                    " ON CONFLICT (username) DO UPDATE SET name = excluded.name",
                    (caseworker.username, caseworker.name, to_db(now)))
            if added or renamed:
                self._event(now, EventKind.ACCOUNTS_SYNCED, added=added, renamed=renamed)

    def end_sessions(self, username: str) -> None:
        """End every session of the account (sign-out ends them on every computer, not only this one)."""
        with self._command() as now:
            self.db.execute(f"UPDATE staff SET {_END_SESSIONS} WHERE username = ?", (str(username),))
            self._event(now, EventKind.SESSIONS_ENDED, actor=str(username), account=str(username))

    def create_token(self, username: str, actor: str | None = None) -> str:
        """A new bearer token for the API; only its hash is stored, so it is shown once."""
        token = secrets.token_urlsafe(32)
        with self._command() as now:
            if one(self.db, "SELECT username FROM staff WHERE username = ? AND active = 1", (username,)) is None:
                raise NotFound(f"no active staff account {username!r}", field="username")
            self.db.execute("INSERT INTO api_tokens (token_hash, username, created_at) VALUES (?, ?, ?)",
                            (hashlib.sha256(token.encode()).hexdigest(), username, to_db(now)))
            self._event(now, EventKind.TOKEN_CREATED, actor=actor, account=username)
        return token

    def set_role(self, username: str, role: str, actor: str | None = None) -> None:
        """Make an account ``staff`` or ``admin``; refuses to demote the last active admin."""
        _check_role(role)
        with self._command() as now:
            if role != "admin":
                _refuse_last_admin(self.db, username)
            _update(self.db, username, f"role = ?, {_END_SESSIONS}", (role,))
            self._event(now, EventKind.ROLE_CHANGED, actor=actor, account=username, role=role)

    def rename_staff(self, username: str, name: str, actor: str | None = None) -> None:
        """Change the name colleagues see (the username, which sessions and tokens refer to, stays)."""
        name = _check_name(name)
        with self._command() as now:
            _update(self.db, username, "name = ?", (name,))
            self._event(now, EventKind.ACCOUNT_RENAMED, actor=actor, account=username)

    def reset_password(self, username: str, password: str, actor: str | None = None) -> None:
        """Set a new password; the account's sessions end, bearer tokens are not touched."""
        password_hash = _hasher.hash(_check_password(password))  # slow: hashed before the write lock is taken
        with self._command() as now:
            _update(self.db, username, f"password_hash = ?, {_END_SESSIONS}", (password_hash,))
            self._event(now, EventKind.PASSWORD_RESET, actor=actor, account=username)

    def set_staff_active(self, username: str, active: bool, actor: str | None = None) -> None:
        """Disable an account (no sign-in, sessions end, its API tokens are revoked) or enable it again.

        Tokens are deleted rather than merely ignored, so enabling an account later does not bring
        back a token that may have leaked; the owner asks for a new one. The command's time is kept
        as ``disabled_at`` for the admin page. The last active admin cannot be disabled (no lock-out).
        """
        with self._command() as now:
            if not active:
                _refuse_last_admin(self.db, username)
            disabled_at = None if active else to_db(now)
            _update(self.db, username, f"active = ?, disabled_at = ?, {_END_SESSIONS}",
                    (int(bool(active)), disabled_at))
            if active:
                self._event(now, EventKind.ACCOUNT_ENABLED, actor=actor, account=username)
            else:
                revoked = self.db.execute("DELETE FROM api_tokens WHERE username = ?", (username,)).rowcount
                self._event(now, EventKind.ACCOUNT_DISABLED, actor=actor, account=username,
                            tokens_revoked=revoked)


def _update(db: Database, username: str, sql: str, params: tuple) -> None:
    """One UPDATE of the account row, inside the caller's write transaction; NotFound if there is none."""
    if db.execute(f"UPDATE staff SET {sql} WHERE username = ?", (*params, username)).rowcount == 0:
        raise NotFound(f"no staff account {username!r}", field="username")


def _refuse_last_admin(db: Database, username: str) -> None:
    """An office without an active admin could not manage its accounts any more (except via the CLI)."""
    others = db.execute("SELECT COUNT(*) FROM staff WHERE role = 'admin' AND active = 1 AND username != ?",
                        (username,)).fetchone()[0]
    target = one(db, "SELECT role, active FROM staff WHERE username = ?", (username,))
    if target and target["role"] == "admin" and target["active"] and others == 0:
        raise InvalidInput("the last active admin account must stay an active admin", field="username")
