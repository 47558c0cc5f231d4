"""The info pages of the demo office exist in all six kiosk languages and render in that language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from web.i18n import LANGUAGES
from web.config import change as change_settings

INFO = Path(__file__).resolve().parent.parent / "config" / "info"

# (language, direction, procedure title, entitlement title, a word of the body that only this language has)
PAGES = [
    ("de", "ltr", "So funktioniert's", "Sozialhilfe – haben Sie Anspruch?", "Wartebereich"),
    ("en", "ltr", "How it works", "Social assistance – are you entitled?", "waiting area"),
    ("da", "ltr", "Sådan fungerer det", "Socialhjælp – har du ret til hjælp?", "venteområdet"),
    ("tr", "ltr", "Nasıl işler?", "Sosyal yardım – hakkınız var mı?", "bekleme alanında"),
    ("ar", "rtl", "كيف يعمل النظام؟", "المساعدة الاجتماعية – هل يحق لك الحصول عليها؟", "منطقة الانتظار"),
    ("uk", "ltr", "Як це працює", "Соціальна допомога – чи маєте ви право?", "зоні очікування"),
]


def test_every_kiosk_language_has_both_pages():
    assert sorted(lang for lang, *_ in PAGES) == sorted(LANGUAGES)
    for lang in LANGUAGES:
        for page in ("procedure", "entitlement"):
            text = (INFO / lang / f"{page}.md").read_text(encoding="utf-8")
            assert "0461 85-0000" in text, f"{lang}/{page}: the booking phone number is missing"


@pytest.mark.parametrize("lang,direction,procedure,entitlement,word", PAGES)
def test_info_pages_render_in_the_language(client, lang, direction, procedure, entitlement, word):
    page = client.get(f"/info/procedure?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert f'<article class="info-text" lang="{lang}">' in page  # its own file, not the German fallback
    assert re.search(rf"<h1>{re.escape(procedure.replace(chr(39), '&#39;'))}</h1>|<h1>{re.escape(procedure)}</h1>",
                     page), procedure
    assert word in page and "0461 85-0000" in page
    page = client.get(f"/info/entitlement?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page and f"<h1>{entitlement}</h1>" in page
    assert f'lang="{lang}"' in page and "Musterstadt" in page


def test_a_language_without_its_own_file_falls_back_to_german(app, client, tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "procedure.md").write_text("# Ablauf\n\nText.\n", encoding="utf-8")
    change_settings(app, KIOSK_INFO_DIR=str(tmp_path))
    page = client.get("/info/procedure?lang=da").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in page and '<article class="info-text" lang="de">' in page
    assert "<h1>Ablauf</h1>" in page
    assert client.get("/info/entitlement?lang=da").status_code == 404
