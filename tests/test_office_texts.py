"""The office's texts as every surface reads them (queue_core.office_texts): the board's ticker
line, the kiosk's info pages, with what /admin saved winning over the files."""
from __future__ import annotations

from queue_core import office_texts as texts
from web.config import Settings


def test_board_message_admin_text_then_configuration():
    assert texts.board_message(Settings(), {}) == ""
    config = Settings(board_message="Aus der Datei")
    assert texts.board_message(config, {}) == "Aus der Datei"
    assert texts.board_message(config, {"board_message": "Aus /admin"}) == "Aus /admin"
    assert texts.board_message(config, {"board_message": ""}) == ""  # an admin may blank it


def test_info_pages_admin_text_then_file_then_german(tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "de" / "procedure.md").write_text("# Ablauf", encoding="utf-8")
    (tmp_path / "en" / "entitlement.html").write_text("<h1>Entitled?</h1>", encoding="utf-8")
    config = Settings(kiosk_info_dir=str(tmp_path))
    found = texts.info_source(config, {}, "procedure", "tr")
    assert (found.text, found.markdown, found.language) == ("# Ablauf", True, "de")
    found = texts.info_source(config, {}, "entitlement", "en")
    assert (found.text, found.markdown, found.language) == ("<h1>Entitled?</h1>", False, "en")
    saved = {texts.info_key("tr", "procedure"): "# Süreç"}
    assert texts.info_source(config, saved, "procedure", "tr").language == "tr"
    assert texts.info_source(config, {}, "no-such-page", "de") is None
    assert texts.info_source(Settings(kiosk_info_dir=str(tmp_path / "none")), {}, "procedure", "de") is None
    # What /admin shows to edit: exactly this language (no fallback), the saved text first.
    assert texts.info_text(config, {}, "procedure", "de") == "# Ablauf"
    assert texts.info_text(config, {}, "procedure", "en") == ""
    assert texts.info_text(config, saved, "procedure", "tr") == "# Süreç"


def test_info_folder_beside_the_configuration(tmp_path):
    assert texts.info_dir(Settings(config=str(tmp_path / "office.toml"))) == tmp_path.resolve() / "info"
    assert texts.info_dir(Settings()) == texts.PROJECT_INFO_DIR and (texts.PROJECT_INFO_DIR / "de").is_dir()
