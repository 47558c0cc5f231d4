"""Helpers of the desk/auth/API tests (no tests here): staff accounts, sign-in, CSRF tokens."""
from __future__ import annotations

import re

from functools import lru_cache

from argon2 import PasswordHasher

from queue_core import connect
from conftest import bare_engine
from queue_core.clock import to_db
from queue_core.store import write

PASSWORD = "richtig-geheim-1"
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"')


@lru_cache(maxsize=1)
def cheap_hash() -> str:
    """An argon2 hash of PASSWORD with tiny cost parameters: verification reads them from the hash,
    so sign-ins in tests take milliseconds instead of ~0.4 s (accounts.add_staff is tested elsewhere)."""
    return PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(PASSWORD)


def make_staff(app, username: str, role: str = "staff", name: str | None = None) -> None:
    db = connect(app.config["DATABASE"])
    try:
        with write(db):
            db.execute("INSERT INTO staff (username, name, role, password_hash, active, created_at)"
                       " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (username) DO UPDATE SET role = excluded.role,"
                       " password_hash = excluded.password_hash, active = 1",
                       (username, name or username.title(), role, cheap_hash(),
                        to_db(app.extensions["terminpraxis"]["clock"].now())))
    finally:
        db.close()


def make_token(app, username: str, role: str = "staff") -> str:
    make_staff(app, username, role)
    db = connect(app.config["DATABASE"])
    try:
        return bare_engine(db).create_token(username)
    finally:
        db.close()


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def sign_in(client, username: str, desk: str | None = "210", password: str = PASSWORD):
    """Sign in through the form; returns the CSRF token for the signed-in session."""
    token = csrf_from(client.get("/desk/login").get_data(as_text=True))
    response = client.post("/desk/login", data={"username": username, "password": password,
                                                "desk": desk or "", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_from(client.get("/desk").get_data(as_text=True))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
