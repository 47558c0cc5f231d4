"""The hallway board page (/display)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import force_locale, gettext

from web.config import settings
from web.devices import version
from web.i18n import LANGUAGES

from .board import UnknownZone, normalise_zone, reader, zones

bp = Blueprint("display", __name__)

# The spoken call in each language (German first; then the visitor's language when it differs).
SPEECH_LANG = {"de": "de-DE", "en": "en-GB", "da": "da-DK", "tr": "tr-TR", "ar": "ar", "uk": "uk-UA"}


def speech_phrases() -> dict[str, dict[str, str]]:
    phrases = {}
    for code in LANGUAGES:
        with force_locale(code):
            phrases[code] = {
                "lang": SPEECH_LANG.get(code, code),
                "call": gettext("Nummer %(number)s, bitte zu %(room)s."),
                "recall": gettext("Erneuter Aufruf: Nummer %(number)s, bitte zu %(room)s."),
                "room": gettext("Zimmer %(number)s"),
            }
    return phrases


@bp.get("/display")
def board_page():
    board = reader()
    try:
        zone = normalise_zone(board.office, request.args.get("zone"))
    except UnknownZone:
        abort(404, description="unknown zone; known zones: " + ", ".join(zones(board.office)))
    from . import speech

    return render_template(
        "display/board.html", office=board.office, zone=zone, snapshot=board.snapshot(zone),
        history=board.history, highlight_s=settings().board_highlight_s,
        heartbeat_s=settings().board_heartbeat_s, phrases=speech_phrases(),
        texts={"estimate": gettext("ohne Termin etwa %(min)s min")}, server_speech=speech.engine_path() is not None,
        version=version(), logo=settings().office_logo)
