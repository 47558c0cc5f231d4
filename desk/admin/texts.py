"""The office's own texts in the visitors' languages (/admin/texts): service names, the documents
checklist and the address, translated per language; where a translation is missing, German shows.

Stored as one settings override per language (``text:<lang>`` → {German text: translation}), so
every process sees a change at once, like the other settings.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from queue_core import settings
from queue_core.errors import QueueError
from web.auth import current_user, login_required
from web.engine import get_engine, overridden, save_office_settings
from web.errors import status_of
from web.i18n import DEFAULT_LANGUAGE, LANGUAGES

from ..routes import document_choices

bp = Blueprint("admin_texts", __name__, url_prefix="/admin")


def office_texts() -> list[tuple[str, str]]:
    """(what, German text) for everything the office wrote itself and a visitor reads."""
    office = get_engine().office
    found = [(_("Anliegen"), s.name) for s in office.services.values()]
    found += [(_("Unterlage"), d) for d in document_choices()]
    if office.address:
        found.append((_("Anschrift"), office.address))
    return found


def _language() -> str:
    """The language being translated into. Not ``lang``: that would switch the admin's own pages."""
    lang = request.values.get("text_lang", "en")
    return lang if lang in LANGUAGES and lang != DEFAULT_LANGUAGE else "en"


def _page(lang: str, error: str | None = None, status: int = 200, typed: dict | None = None):
    engine = get_engine()
    saved = typed if typed is not None else (overridden(f"text:{lang}") or {})
    return render_template("admin/texts.html", office=engine.office, user=current_user(), text_lang=lang,
                           languages={k: v for k, v in LANGUAGES.items() if k != DEFAULT_LANGUAGE},
                           texts=office_texts(), saved=saved, error=error,
                           done=request.args.get("saved") == "1"), status


@bp.get("/texts")
@login_required(role="admin")
def texts_page():
    return _page(_language())


@bp.post("/texts")
@login_required(role="admin")
def save_texts():
    """All translations of one language at once; an empty field means: show the German text."""
    lang = _language()
    german = [text for _what, text in office_texts()]
    typed = {text: (request.form.get(f"t{index}") or "")[:settings.TEXT_MAX + 1]
             for index, text in enumerate(german)}
    try:
        save_office_settings({f"text:{lang}": typed}, actor=current_user()["username"])
    except QueueError as refused:
        return _page(lang, error=refused.message, status=status_of(refused), typed=typed)
    return redirect(url_for("admin_texts.texts_page", text_lang=lang, saved=1))
