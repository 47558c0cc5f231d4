"""The kiosk's catalogues are complete: every visitor text in every language, compiled and current."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from web.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "kiosk" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue(lang: str):
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """Every _() text in kiosk code and templates, as pybabel extracts it."""
    pot = tmp_path_factory.mktemp("pot") / "kiosk.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "kiosk/babel.cfg", "-k", "_l", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_message_is_translated(lang, extracted):
    messages = {m.id: m for m in catalogue(lang) if m.id}
    missing = sorted(extracted - set(messages))
    assert not missing, f"{lang}: not in the catalogue (run pybabel extract/update): {missing}"
    for msgid, message in messages.items():
        assert message.string and message.string.strip(), f"{lang}: no translation for {msgid!r}"
        assert not message.fuzzy, f"{lang}: fuzzy translation for {msgid!r}"
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(message.string)), \
            f"{lang}: placeholders differ in {msgid!r}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_compiled_catalogue_is_current(lang):
    mo = CATALOGUES / lang / "LC_MESSAGES" / "messages.mo"
    assert mo.exists(), f"{mo} missing: run `make translations`"
    with mo.open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    source = {m.id: m.string for m in catalogue(lang) if m.id}
    assert compiled == source, f"{mo} is stale: run `make translations`"


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_screens_show_the_language(client, lang):
    """No English msgid leaks onto a translated screen."""
    messages = {m.id: m.string for m in catalogue(lang) if m.id}
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert messages["I have an appointment"] in page
    assert messages["Visitors with an appointment are called first."] in page
    for english in ("I have an appointment", "Back to start", "Welcome"):
        if messages[english] != english:
            assert f">{english}<" not in page
