"""The board's offline spoken call: first rendering with espeak-ng, then the cached file.

Goal: a first rendering well under the chime's 1.6 s (so the call follows the chime without a
gap), a cached one in a few milliseconds. Prints a table; skipped without espeak-ng.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from display import speech

LANGUAGES = ("de", "en", "da", "tr", "ar", "uk")
GOAL_FIRST_MS = 1600


def main() -> None:
    if speech.engine_path() is None:
        print("espeak-ng is not installed: nothing to measure")
        return
    from flask import Flask
    from flask_babel import Babel

    from web.i18n import translation_directories

    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    Babel(app)
    cache = Path(tempfile.mkdtemp()) / "speech-cache"
    print(f"{'language':<10}{'first ms':>10}{'cached ms':>11}{'size KiB':>10}  goal: first < {GOAL_FIRST_MS} ms")
    with app.app_context():
        for number, language in enumerate(LANGUAGES, start=12):
            text = speech.sentence(f"W {number:03d}", "Zimmer 214", language)
            started = time.perf_counter()
            path = speech.render(cache, text, language)
            first = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            speech.render(cache, text, language)
            cached = (time.perf_counter() - started) * 1000
            print(f"{language:<10}{first:>10.0f}{cached:>11.2f}{path.stat().st_size / 1024:>10.0f}")


if __name__ == "__main__":
    main()
