"""The front-end's shared pieces stay in one place: every page loads static/common/terminpraxis.js
before its own scripts, with the queue's words as /states.json gives them, and no page script
writes its own CSRF fetch, code grouping or state words."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
SCRIPT = re.compile(r'<script src="([^"]+)"')
WORDS = re.compile(r'<script type="application/json" id="queue-words">(.*?)</script>', re.S)


def test_every_page_loads_the_shared_module_first_with_the_queues_words(client):
    words = client.get("/states.json").json
    for path in ("/", "/display", "/desk/login", "/buchen", "/no-such-page"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        scripts = SCRIPT.findall(page)
        assert scripts and scripts[0].endswith("/static/common/terminpraxis.js"), (path, scripts)
        assert "/static/common/fonts.css" in page, path
        assert json.loads(html.unescape(WORDS.search(page).group(1))) == words, path


def test_page_scripts_use_the_shared_pieces():
    own = [p for p in STATIC.rglob("*.js") if "vendor" not in p.parts and "common" not in p.parts]
    assert len(own) > 10
    for path in own:
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(STATIC)
        assert "X-CSRFToken" not in text and "csrf-token" not in text, f"{where}: use Terminpraxis.request"
        assert not re.search(r"""slice\(0, 4\) \+ "-\"""", text), f"{where}: use Terminpraxis.formatCode"
        assert not re.search(r"""state [!=]==? "(waiting|called|serving|done|booked|checked_in)\"""", text), \
            f"{where}: compare with Terminpraxis.states"
