"""Administration (/admin, admin role): staff accounts and the office's settings.

Accounts go through queue_core.accounts. The settings — desks/rooms and board zones, services,
office hours and closures, caseworkers' services and letters, the board text, the documents
checklist and the kiosk's info pages — are overrides of the configuration stored by
queue_core.settings; they apply at once in every process (web.engine rebuilds the office when
they change). One plain form per section; a refused change shows the typed input again with the
reason, and nothing is saved.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from queue_core import accounts, settings
from queue_core.clock import from_db
from queue_core.errors import InvalidInput, QueueError
from queue_core.needs import ROOM_NEEDS
from queue_core.office import WEEKDAYS, Office
from queue_core.office_texts import INFO_PAGES, board_message, info_key, info_text
from queue_core.schedule import hours_text, wall_clock
from web import config
from web.auth import current_user, end_sockets, login_required
from web.engine import get_engine, get_engine_state, save_office_settings
from web.errors import status_of
from web.i18n import LANGUAGES

from ..routes import document_choices

bp = Blueprint("admin", __name__, url_prefix="/admin")

MAX_ROWS = 60
TEXT_MAX = 200
EXTRA_ROWS = 2  # empty rows under each list, for adding


def staff_rows() -> list[dict]:
    """The accounts with ``disabled_on``: the office-local date an account was disabled, if it is."""
    engine = get_engine()
    found = accounts.list_staff(engine.db)
    for row in found:
        when = from_db(row["disabled_at"])
        row["disabled_on"] = wall_clock(engine.office, when, "%d.%m.%Y")
    return found


# --- the office as form values ---------------------------------------------------------------

def letters_text(letters: frozenset[str]) -> str:
    """{'A', 'B', 'C', 'X'} → 'A-C, X'."""
    out, run = [], []
    for code in range(ord("A"), ord("Z") + 2):
        letter = chr(code)
        if letter in letters:
            run.append(letter)
            continue
        if run:
            out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
            run = []
    return ", ".join(out)


def office_forms(office: Office, state: dict[str, Any], info_lang: str) -> dict[str, Any]:
    """Every section's form values from the office as it is now."""
    return {
        "desks": [{"key": d.key, "room": d.room, "zone": d.zone, "capabilities": sorted(d.capabilities)}
                  for d in office.desks.values()],
        "services": [{"key": s.key, "name": s.name, "prefix": s.prefix, "minutes": str(s.minutes),
                      "walk_in": s.walk_in} for s in office.services.values()],
        "hours": {day: ", ".join(spans) for day, spans in hours_text(office).items()},
        "closures": "\n".join(sorted(office.closures)),
        "caseworkers": [{"username": c.username, "name": c.name, "services": list(c.services),
                         "letters": letters_text(c.letters)} for c in office.staff.values()],
        "board_message": board_message(config.settings(), state["overrides"]),
        "documents": "\n".join(document_choices()),
        "info": {page: info_text(config.settings(), state["overrides"], page, info_lang) for page in INFO_PAGES},
    }


# --- form values → settings ------------------------------------------------------------------

def field(name: str, limit: int = TEXT_MAX) -> str:
    return (request.form.get(name) or "").strip()[:limit]


def row_count(section: str) -> int:
    try:
        return max(0, min(int(request.form.get(f"{section}-rows") or 0), MAX_ROWS))
    except ValueError:
        return 0


def lines(name: str, limit: int = 4000) -> list[str]:
    return [line.strip() for line in (request.form.get(name) or "")[:limit].splitlines() if line.strip()]


def whole_or_text(value: str) -> Any:
    """A number where one was typed, else the text, so the office's own check names the field."""
    try:
        return int(value)
    except ValueError:
        return value


def parse_desks() -> tuple[list[dict], dict[str, Any]]:
    typed = [{"key": field(f"desks-{i}-key", 40), "room": field(f"desks-{i}-room"),
              "zone": field(f"desks-{i}-zone"),
              "capabilities": [c for c in ROOM_NEEDS if request.form.get(f"desks-{i}-{c}") == "1"]}
             for i in range(row_count("desks"))]
    typed = [row for row in typed if row["key"] or row["room"] or row["zone"]]
    return typed, {"desks": [{"key": r["key"], "room": r["room"] or r["key"], "zone": r["zone"],
                              "capabilities": r["capabilities"]} for r in typed]}


def parse_services() -> tuple[list[dict], dict[str, Any]]:
    typed = [{"key": field(f"services-{i}-key", 64), "name": field(f"services-{i}-name"),
              "prefix": field(f"services-{i}-prefix", 3).upper(), "minutes": field(f"services-{i}-minutes", 6),
              "walk_in": request.form.get(f"services-{i}-walk_in") == "1"} for i in range(row_count("services"))]
    typed = [row for row in typed if row["key"] or row["name"] or row["prefix"] or row["minutes"]]
    value = [{"key": r["key"], "name": r["name"] or r["key"], "prefix": r["prefix"],
              "minutes": whole_or_text(r["minutes"] or "15"), "walk_in": r["walk_in"]} for r in typed]
    return typed, {"services": value}


def parse_hours() -> tuple[dict[str, Any], dict[str, Any]]:
    typed = {"hours": {day: field(f"hours-{day}") for day in WEEKDAYS}, "closures": field("closures", 4000)}
    hours = {}
    for day, text in typed["hours"].items():
        spans = [s.strip() for s in text.replace(";", ",").split(",") if s.strip()]
        if spans:
            hours[day] = spans
    return typed, {"hours": hours, "closures": lines("closures")}


def parse_caseworkers() -> tuple[list[dict], dict[str, Any]]:
    typed = [{"username": field(f"caseworkers-{i}-username", 40), "name": field(f"caseworkers-{i}-name"),
              "services": [s[:64] for s in request.form.getlist(f"caseworkers-{i}-services")][:50],
              "letters": field(f"caseworkers-{i}-letters", 100)} for i in range(row_count("caseworkers"))]
    typed = [row for row in typed if row["username"] or row["name"] or row["letters"]]
    value = [{"username": r["username"], "name": r["name"] or r["username"], "services": r["services"],
              "letters": r["letters"]} for r in typed]
    return typed, {"staff": value}


def parse_board() -> tuple[str, dict[str, Any]]:
    typed = (request.form.get("board_message") or "")[:1000]
    return typed, {"board_message": typed}


def parse_documents() -> tuple[str, dict[str, Any]]:
    typed = (request.form.get("documents") or "")[:8000]
    return typed, {"documents": lines("documents", 8000)}


SECTIONS: dict[str, tuple[Callable[[], tuple[Any, dict[str, Any]]], tuple[str, ...]]] = {
    "desks": (parse_desks, ("desks",)),
    "services": (parse_services, ("services",)),
    "hours": (parse_hours, ("hours", "closures")),
    "caseworkers": (parse_caseworkers, ("staff",)),
    "board": (parse_board, ("board_message",)),
    "documents": (parse_documents, ("documents",)),
}


# --- pages -----------------------------------------------------------------------------------

def page(error: str | None = None, form: dict | None = None, saved: str | None = None, status: int = 200,
         section: str | None = None, section_error: str | None = None, typed: Any = None,
         info_lang: str | None = None):
    engine = get_engine()
    state = get_engine_state()
    lang = info_lang if info_lang in LANGUAGES else request.args.get("info_lang", "de")
    lang = lang if lang in LANGUAGES else "de"
    forms = office_forms(engine.office, state, lang)
    if section and typed is not None:  # a refused change: show what was typed, not the saved state
        if section == "hours":
            forms["hours"], forms["closures"] = typed["hours"], typed["closures"]
        elif section == "board":
            forms["board_message"] = typed
        elif section == "info":
            forms["info"][typed["page"]] = typed["text"]
        else:
            forms[section] = typed
    changed = settings.changes(engine.db, settings.office_key(engine.office))
    for entry in changed.values():
        when = from_db(entry["updated_at"])
        entry["when"] = wall_clock(engine.office, when, "%d.%m.%Y %H:%M") or ""
    return render_template("admin/index.html", office=engine.office, user=current_user(), staff=staff_rows(),
                           error=error, form=form or {}, saved=saved, forms=forms, section=section,
                           section_error=section_error, changed=changed, weekdays=WEEKDAYS,
                           info_lang=lang, languages=LANGUAGES, extra_rows=EXTRA_ROWS,
                           saved_section=request.args.get("section")), status


@bp.get("/")
@login_required(role="admin")
def index():
    return page(saved=request.args.get("saved"))


def save_section(section: str):
    parse, keys = SECTIONS[section]
    typed: Any = None
    try:
        if request.form.get("reset") == "1":
            new: dict[str, Any] = {key: None for key in keys}
        else:
            typed, new = parse()
            if section == "services":
                for row in typed:
                    if row["prefix"] and not (row["prefix"].isascii() and row["prefix"].isalpha()):
                        raise InvalidInput(_("Das Kürzel %(prefix)s darf nur aus den Buchstaben A–Z bestehen.",
                                             prefix=row["prefix"]), field="prefix")
        save_office_settings(new, actor=current_user()["username"])
    except QueueError as error:
        return page(section=section, section_error=error.message, typed=typed, status=status_of(error))
    return redirect(url_for("admin.index", section=section) + f"#{section}")


@bp.post("/settings/<section>")
@login_required(role="admin")
def save_settings(section: str):
    """One section of the office's settings (desks, services, hours, caseworkers, board, documents)."""
    if section not in SECTIONS:
        abort(404)
    return save_section(section)


@bp.post("/info")
@login_required(role="admin")
def save_info():
    """One kiosk info page in one language; an empty text (or reset) brings back the file's text."""
    lang, page_key = field("lang", 8), field("page", 40)
    text = (request.form.get("text") or "")[:settings.INFO_TEXT_MAX + 1]
    if lang not in LANGUAGES or page_key not in INFO_PAGES:
        return page(section="info", section_error=_("Diese Sprache oder Seite gibt es nicht."), status=422)
    value = None if request.form.get("reset") == "1" or not text.strip() else text
    try:
        save_office_settings({info_key(lang, page_key): value}, actor=current_user()["username"])
    except QueueError as error:
        return page(section="info", section_error=error.message, typed={"page": page_key, "text": text},
                    status=status_of(error), info_lang=lang)
    return redirect(url_for("admin.index", section="info", info_lang=lang) + "#info")


# --- accounts --------------------------------------------------------------------------------

@bp.post("/staff")
@login_required(role="admin")
def save_staff():
    """Create an account, or change an existing one's name, role and (if given) password.

    Existing accounts go through the engine's rename_staff / set_role / reset_password, so the last active
    admin cannot be demoted here either; a disabled account stays disabled (enable it with its button).
    """
    engine = get_engine()
    form = {k: (request.form.get(k) or "").strip()[:200] for k in ("username", "name", "role")}
    password = (request.form.get("password") or "")[:1000]
    actor = current_user()["username"]
    try:
        existing = {row["username"]: row for row in accounts.list_staff(engine.db)}.get(form["username"])
        if existing is None:
            engine.add_staff(form["username"], name=form["name"] or form["username"], role=form["role"],
                             password=password, actor=actor)
        else:  # checked first, so a refusal changes nothing
            if form["role"] not in accounts.ROLES:
                raise InvalidInput("role must be staff or admin", field="role")
            if password and len(password) < 8:
                raise InvalidInput("the password needs at least 8 characters", field="password")
            if form["role"] != existing["role"]:
                engine.set_role(form["username"], form["role"], actor)
            if form["name"] and form["name"] != existing["name"]:
                engine.rename_staff(form["username"], form["name"], actor)
            if password:
                engine.reset_password(form["username"], password, actor)
    except QueueError as error:
        return page(error.message, form, status=status_of(error))
    end_sockets(form["username"])  # a new password or role ended the account's sessions
    return redirect(url_for("admin.index", saved=form["username"]))


@bp.post("/staff/active")
@login_required(role="admin")
def set_active():
    """Disable an account (its sessions end and its API tokens are revoked) or enable it again.

    The username travels in the form, not the URL, so the route walk of the auth tests needs no sample.
    """
    engine = get_engine()
    username = (request.form.get("username") or "")[:40]
    active = request.form.get("active") == "1"
    try:
        if not active and username == current_user()["username"]:
            raise InvalidInput("you cannot disable the account you are signed in with", field="username")
        engine.set_staff_active(username, active, current_user()["username"])
    except QueueError as error:
        return page(error.message, status=status_of(error))
    end_sockets(username)
    return redirect(url_for("admin.index", saved=username))
