"""Languages of the visitor screens (Flask-Babel). German is the default.

Each surface keeps its own catalogue folder (``kiosk/translations``, ``display/translations``,
``desk/translations``); Flask-Babel merges them, so surfaces never edit each other's files.
"""
from __future__ import annotations

from pathlib import Path

from babel.dates import get_day_names
from flask import Flask, request, session
from flask_babel import Babel, gettext
from markupsafe import Markup

from queue_core.office import WEEKDAYS

ROOT = Path(__file__).resolve().parent.parent
SURFACES = ("kiosk", "display", "desk", "booking_public")

# Each language named in its own language; the order is the kiosk's language row.
LANGUAGES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "da": "Dansk",
    "tr": "Türkçe",
    "ar": "العربية",
    "uk": "Українська",
}
RIGHT_TO_LEFT = {"ar"}
DEFAULT_LANGUAGE = "de"

babel = Babel()


def normalise(language: str | None) -> str | None:
    """A supported language code from a tag like 'en-GB', else None."""
    if not language or not isinstance(language, str):
        return None
    code = language.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def select_locale() -> str:
    """Explicit ?lang= first, then the one chosen earlier in this session, else German.

    The browser's Accept-Language is deliberately ignored: a kiosk is shared, and an office
    screen should start in the office's language.
    """
    chosen = normalise(request.args.get("lang")) if request else None
    if chosen:
        session["lang"] = chosen
        return chosen
    return normalise(session.get("lang")) or DEFAULT_LANGUAGE


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def translation_directories() -> list[str]:
    return [str(ROOT / surface / "translations") for surface in SURFACES]


def translated(text: object) -> str:
    """A text from the office's data (a service name) in the visitor's language when the catalogue
    has it, as plain text.

    Templates must use ``{{ service.name|translated }}``, never ``{{ _(service.name) }}``: Jinja's
    newstyle gettext marks its result safe, so data passed through ``_()`` would not be escaped.
    """
    if text is None or text == "":
        return ""  # gettext("") is the catalogue's header
    return str(gettext(str(text)))


def init_app(app: Flask) -> None:
    app.add_template_filter(translated, "translated")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(ltr)
    app.add_template_filter(office_text)

    @app.context_processor
    def language_context():
        from flask_babel import get_locale

        lang = str(get_locale() or DEFAULT_LANGUAGE)
        return {"lang": lang, "direction": direction(lang), "languages": LANGUAGES}


def ltr(text: object) -> Markup | str:
    """Numbers, codes, phone numbers and rooms keep their left-to-right order inside Arabic sentences."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(text) if text not in (None, "") else ""


def office_text(text: str | None, language: str | None = None) -> str:
    """An office text (a service, a document, the address) in the visitor's language: the admin's
    translation first, then the catalogue (the demo office's names), else the German text."""
    from flask_babel import get_locale, gettext

    from .engine import overridden

    if not text:
        return ""
    language = language or str(get_locale() or DEFAULT_LANGUAGE)
    if language == DEFAULT_LANGUAGE:
        return text
    translated = (overridden(f"text:{language}") or {}).get(text)
    return str(translated or gettext(text))  # plain text: data is never marked safe


def current_language() -> str:
    """The language of this request's page (German when none was chosen)."""
    from flask_babel import get_locale

    return str(get_locale() or DEFAULT_LANGUAGE)


def day_names() -> dict[str, str]:
    """The weekdays' names in the page's language, by the office's weekday keys (mon, tue, …)."""
    names = get_day_names("wide", locale=current_language())
    return {day: names[index] for index, day in enumerate(WEEKDAYS)}


def hours_rows(hours: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Opening hours as (translated weekday, '08:00–12:00, 14:00–16:00') rows, open days only."""
    names = day_names()
    return [(names[day], ", ".join(s.replace("-", "–") for s in spans))
            for day, spans in hours.items() if spans]
