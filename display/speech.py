"""The spoken call rendered on the server with espeak-ng, so a board speaks without browser voices.

A TV's browser often has no speech voices at all (Debian's Chromium has none), and then the
browser's speech synthesis drops the call without a word. espeak-ng works offline in all six
languages; each sentence is rendered once per number, room and language and kept as a WAV file
beside the database. Without espeak-ng the route answers 503 and the board says so in its report.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask import current_app, jsonify, request, send_file
from flask_babel import force_locale, gettext

from web.config import settings
from web.i18n import LANGUAGES

from .board import reader
from .routes import bp

# espeak-ng's voice for each interface language.
VOICES = {"de": "de", "en": "en-gb", "da": "da", "tr": "tr", "ar": "ar", "uk": "uk"}
NUMBER = re.compile(r"^[A-Z]{1,3} ?\d{1,4}$")
# The office writes rooms in German ("Zimmer 214"); the visitor hears the word in their language.
GERMAN_ROOM = re.compile(r"^Zimmer\s+(\S+)$")
RENDER_TIMEOUT_S = 10
READ_ALOUD_MAX = 800   # characters of a kiosk screen read aloud
READ_ALOUD_KEEP = 300  # rendered screens kept; older ones are deleted
SPEED_WPM = 140  # a little slower than espeak's 175: a hallway, not a headset


def engine_path() -> str | None:
    """The espeak-ng program, or None when it is not installed."""
    return shutil.which("espeak-ng")


def spoken_number(number: str) -> str:
    """"W 012" → "W 12": numbers are spoken as numbers."""
    return re.sub(r"(^|\s)0+(\d)", r"\1\2", number)


def spoken_room(room: str, language: str) -> str:
    """The room as said in ``language`` ("Zimmer 214" → "Room 214"); other names stay as written."""
    found = GERMAN_ROOM.match(room)
    if not found:
        return room
    with force_locale(language):
        return gettext("Zimmer %(number)s", number=found.group(1))


def sentence(number: str, room: str, language: str, recall: bool = False) -> str:
    """The call in ``language``: the same words the board's browser voice would say."""
    with force_locale(language):
        template = (gettext("Erneuter Aufruf: Nummer %(number)s, bitte zu %(room)s.") if recall
                    else gettext("Nummer %(number)s, bitte zu %(room)s."))
        return template % {"number": spoken_number(number), "room": spoken_room(room, language)}


def render(cache: Path, text: str, language: str) -> Path:
    """The WAV file for ``text`` (rendered once; a parallel process renders into its own temp file)."""
    voice = VOICES[language]
    target = cache / (hashlib.sha256(f"{voice}|{SPEED_WPM}|{text}".encode()).hexdigest()[:32] + ".wav")
    if target.exists():
        return target
    program = engine_path()
    if program is None:
        raise FileNotFoundError("espeak-ng")
    cache.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".wav", dir=cache)
    os.close(handle)
    try:
        subprocess.run([program, "-v", voice, "-s", str(SPEED_WPM), "-w", temporary, text],
                       check=True, timeout=RENDER_TIMEOUT_S, capture_output=True)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def cache_folder() -> Path:
    return Path(settings().database).resolve().parent / "speech-cache"


def _refuse(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


@bp.get("/display/speech.wav")
def spoken_call():
    """``?number=W 012&room=Zimmer 214&lang=ar[&recall=1]`` → the call as audio (rooms of this office only)."""
    number = (request.args.get("number") or "").strip()[:10]
    room = (request.args.get("room") or "").strip()[:60]
    language = (request.args.get("lang") or "de")[:5]
    if not NUMBER.match(number):
        return _refuse(400, "bad_number", "number looks like 'W 012'")
    if room not in {desk.room for desk in reader().office.desks.values()}:
        return _refuse(400, "unknown_room", "room is not one of this office's rooms")
    if language not in LANGUAGES or language not in VOICES:
        return _refuse(400, "unknown_language", "lang is one of " + ", ".join(VOICES))
    text = sentence(number, room, language, request.args.get("recall") == "1")
    try:
        path = render(cache_folder(), text, language)
    except FileNotFoundError:
        return _refuse(503, "no_speech_engine", "espeak-ng is not installed on this server")
    except (subprocess.SubprocessError, OSError):
        current_app.logger.exception("speech: espeak-ng failed")
        return _refuse(503, "speech_failed", "the spoken call could not be rendered")
    return send_file(path, mimetype="audio/wav", max_age=86400)


@bp.post("/speech/read-aloud")
def read_aloud():
    """The kiosk's "read aloud" button: ``{"text", "lang"}`` → the screen's text as audio (espeak-ng)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"].strip():
        return _refuse(400, "bad_request", "send {\"text\": …, \"lang\": …}")
    language = str(data.get("lang") or "de")[:5]
    if language not in VOICES:
        return _refuse(400, "unknown_language", "lang is one of " + ", ".join(VOICES))
    text = " ".join(data["text"].split())[:READ_ALOUD_MAX]
    folder = cache_folder() / "read-aloud"
    try:
        path = render(folder, text, language)
    except FileNotFoundError:
        return _refuse(503, "no_speech_engine", "espeak-ng is not installed on this server")
    except (subprocess.SubprocessError, OSError):
        current_app.logger.exception("speech: espeak-ng failed")
        return _refuse(503, "speech_failed", "the text could not be rendered")
    _prune(folder)
    return send_file(path, mimetype="audio/wav", max_age=0)


def _prune(folder: Path) -> None:
    """Keep the newest READ_ALOUD_KEEP files: screens with numbers and times differ every time."""
    files = sorted(folder.glob("*.wav"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in files[READ_ALOUD_KEEP:]:
        old.unlink(missing_ok=True)
