"""The walk-in's optional last step at the kiosk: needs in plain words with pictograms.

Only what the office can meet is offered: the room needs some desk has (queue_core.needs.offered),
and an interpreter in the language the visitor chose on the screen (not offered in German). The
language is stored as the office's staff read it ("Türkisch"), for the caseworker.
"""
from __future__ import annotations

from typing import Any, Mapping

from babel import Locale

from queue_core.needs import INTERPRETER, NEEDS, offered
from queue_core.office import Office

STAFF_LANGUAGE = "de"


def offer(office: Office, language: str) -> list[str]:
    """The needs to show, in the fixed order; empty when there is nothing to ask."""
    room = offered(office)
    return [n for n in NEEDS if (n == INTERPRETER and language != STAFF_LANGUAGE) or n in room]


def language_name(code: str, in_language: str) -> str:
    """A language's name in a language: ("tr", "de") → "Türkisch"."""
    try:
        return Locale.parse(code).get_display_name(in_language) or code
    except (ValueError, TypeError):
        return code


def chosen(form: Mapping[str, Any], shown: list[str], language: str) -> tuple[list[str], str | None]:
    """The ticked needs among those shown, and the interpreter's language if one was ticked."""
    ticked = [n for n in form.getlist("needs") if n in shown] if hasattr(form, "getlist") else []
    interpreter = language_name(language, STAFF_LANGUAGE) if INTERPRETER in ticked else None
    return ticked, interpreter
