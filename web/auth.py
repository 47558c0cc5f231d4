"""Staff sign-in, roles, API bearer tokens and CSRF.

- Pages: a Flask session (signed with the stored secret key) names the signed-in account and its
  session version; the account is looked up on every request, so a disabled account, a sign-out,
  a new password or a new role (each raises the version) ends every session of it at once, and
  ``end_sockets`` closes its open /desk sockets.
- Sign-in: Flask-Limiter counts wrong passwords per account and address (``sign_in_limit``), so
  failures never refuse a colleague; unknown names cost an argon2 check too (no timing leak).
- API: the same session (from the desk page) or ``Authorization: Bearer <token>`` from
  ``terminpraxis token create``.
- CSRF (Flask-WTF): checked on every form POST of the staff pages and on every session-authenticated
  API call that changes something (header ``X-CSRFToken``). Bearer-token calls carry no cookie and
  are not checked. The kiosk's public forms are not staff routes, so CSRF is not applied app-wide
  (``WTF_CSRF_CHECK_DEFAULT = False``); every staff route calls ``login_required``, which checks it.
- Roles: ``staff`` (desk, booking) < ``admin`` (also administration and reports).
"""
from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from queue_core import accounts

from .api import error
from .config import settings
from .engine import get_engine
from .extensions import limiter, socketio

csrf = CSRFProtect()
ROLE_RANK = {"staff": 1, "admin": 2}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
TOKEN_MAX = 200


def init_app(app: Flask) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # staff routes check it themselves (see above)
    # Pages send Referrer-Policy: no-referrer (web.security), so over HTTPS a form post carries no
    # Referer to compare; the token and the SameSite session cookie carry the protection.
    app.config["WTF_CSRF_SSL_STRICT"] = False
    # A desk page stays open all day: its token lives as long as the session, not one hour.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # SESSION_COOKIE_SECURE stays as configured (TERMINPRAXIS_SESSION_COOKIE_SECURE=true behind HTTPS);
    # `make run` serves plain HTTP on loopback, where a Secure cookie would not come back.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=settings(app).staff_session_hours)
    csrf.init_app(app)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        return None
    return header[7:].strip()


def current_user() -> dict[str, Any] | None:
    """The signed-in account ({username, name, role}) or None; by bearer token first, else session."""
    if "staff_user" in g:
        return g.staff_user
    user = None
    token = bearer_token()
    if request.headers.get("Authorization"):
        g.auth_via = "token"
        if token and len(token) <= TOKEN_MAX:
            user = accounts.user_for_token(get_engine().db, token)
    elif session.get("user"):
        g.auth_via = "session"
        user = accounts.get_account(get_engine().db, session["user"])
        if user is None or user["session_version"] != session.get("session_version"):
            user = None  # disabled, signed out elsewhere, new password or role: this session is over
            session.pop("user", None)
    g.staff_user = user
    return user


USERNAME_MAX = 200


def typed_username() -> str:
    """The sign-in form's username as the sign-in compares it."""
    return (request.form.get("username") or "")[:USERNAME_MAX].strip().lower()


def _sign_in_key() -> str:
    return f"{get_remote_address()}|{typed_username()}"


def _sign_in_failed(_response) -> bool:
    return bool(g.get("sign_in_failed"))


# Only wrong passwords count, per account and address: a guesser pauses that one account from
# that one address, and a colleague behind the same NAT still signs in with their own.
sign_in_attempts = limiter.limit(lambda: settings().sign_in_limit, key_func=_sign_in_key,
                                 scope="sign-in", methods=["POST"], deduct_when=_sign_in_failed)


def note_failed_sign_in() -> None:
    g.sign_in_failed = True


def has_role(user: dict[str, Any] | None, role: str) -> bool:
    return bool(user) and ROLE_RANK.get(user["role"], 0) >= ROLE_RANK[role]


def sign_in(user: dict[str, Any]) -> None:
    session.clear()  # a fresh session at sign-in (no fixation)
    session.permanent = True
    session["user"] = user["username"]
    session["session_version"] = user["session_version"]
    g.staff_user = user


def sign_out() -> None:
    """End this account's sessions everywhere (a copied cookie is worthless after it) and its sockets."""
    user = current_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.pop("staff_user", None)
    if user is not None:
        get_engine().end_sessions(user["username"])
        end_sockets(user["username"])


def staff_room(user: dict[str, Any]) -> str:
    """The Socket.IO room a /desk connection of this account and session version joins."""
    return f"staff:{user['username']}:{user['session_version']}"


# The staff namespace: desk.events serves it, sign-in ends its sockets (web stands below the surfaces).
DESK_NAMESPACE = "/desk"


def end_sockets(username: str) -> None:
    """Disconnect this process's /desk sockets of the account whose session version has ended.

    Sockets of a still valid session (after a mere rename) stay. Sockets served by another process
    are refused at their next event, when their session is checked again.
    """
    server = socketio.server
    if server is None:
        return
    account = accounts.get_account(get_engine().db, username)
    valid = staff_room(account) if account else None
    prefix = f"staff:{username}:"
    rooms = [r for r in list(server.manager.rooms.get(DESK_NAMESPACE, {})) if isinstance(r, str)
             and r.startswith(prefix) and r != valid]
    for room in rooms:
        for sid, _eio in list(server.manager.get_participants(DESK_NAMESPACE, room)):
            server.disconnect(sid, namespace=DESK_NAMESPACE)


def safe_next(target: str | None) -> str | None:
    """Only a local path is followed after sign-in (no open redirect)."""
    if not target or not isinstance(target, str) or len(target) > 500:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _refuse(status: int, code: str, message: str):
    response, status = error(status, code, message)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="terminpraxis"'
    return response, status


def check_csrf() -> None:
    """Session-authenticated writes need the CSRF token (form field or X-CSRFToken header)."""
    if request.method in SAFE_METHODS or g.get("auth_via") == "token":
        return
    csrf.protect()


def login_required(role: str = "staff") -> Callable:
    """Staff pages redirect anonymous callers to sign-in; the API answers 401/403 JSON."""
    if role not in ROLE_RANK:
        raise ValueError(role)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                if _is_api():
                    return _refuse(401, "unauthorized", "sign in or send a bearer token")
                return redirect(url_for("desk.login", next=request.full_path.rstrip("?")))
            if not has_role(user, role):
                if _is_api():
                    return _refuse(403, "forbidden", f"this needs the {role} role")
                abort(403)
            check_csrf()
            return view(*args, **kwargs)

        wrapper.required_role = role  # the route walk in the tests reads it
        return wrapper

    return decorate
