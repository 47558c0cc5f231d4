"""Configuration: TOML file, TERMINPRAXIS_* overrides, the test's own mapping, the stored secret,
and a clear error for a value of the wrong type."""
import pytest

from terminpraxis import create_app
from web.config import ConfigError, change, settings
from web.engine import office

from conftest import DEMO_CONFIG


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("TERMINPRAXIS_"):
            monkeypatch.delenv(name)
    return monkeypatch


def make(tmp_path, **config):
    return create_app({"ASYNC_MODE": "threading", "DATABASE": str(tmp_path / "c.db"), **config})


def test_toml_file_describes_the_office(tmp_path, clean_env):
    clean_env.setenv("TERMINPRAXIS_CONFIG", str(DEMO_CONFIG))
    app = make(tmp_path)
    with app.app_context():
        assert office().name.startswith("Musterstadt")
        assert set(office().services) == {"erstantrag", "weiterbewilligung", "unterlagen", "notfall"}
        assert office().caseworker("hkoch").letters == frozenset("HIJKLMNO")


def test_environment_variables_override_toml_keys(tmp_path, clean_env):
    clean_env.setenv("TERMINPRAXIS_CONFIG", str(DEMO_CONFIG))
    clean_env.setenv("TERMINPRAXIS_LATE_TOLERANCE_MIN", "20")
    clean_env.setenv("TERMINPRAXIS_NAME", "Amt Nord")
    clean_env.setenv("TERMINPRAXIS_HOURS__SAT", '["09:00-12:00"]')
    clean_env.setenv("TERMINPRAXIS_SYNCHRONOUS", "NORMAL")
    app = make(tmp_path)
    with app.app_context():
        assert office().late_tolerance_min == 20
        assert office().name == "Amt Nord"
        assert [str(i.start) for i in office().hours["sat"]] == ["09:00:00"]
    assert app.config["SYNCHRONOUS"] == "NORMAL"


def test_defaults_without_any_file(tmp_path, clean_env):
    app = make(tmp_path)
    with app.app_context():
        assert office().timezone.key == "Europe/Berlin"
        assert office().early_window_min == 10 and office().late_tolerance_min == 15
        assert office().walk_in_cutoff_min == 30 and office().retention_days == 7
        assert office().holidays == "DE-SH"


def test_secret_key_is_generated_once_and_kept(tmp_path, clean_env):
    first = make(tmp_path).config["SECRET_KEY"]
    second = make(tmp_path).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_wrong_type_in_the_toml_file_names_the_key_and_the_file(tmp_path, clean_env):
    path = tmp_path / "office.toml"
    path.write_text('name = "Amt"\nboard_history = "viele"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"board_history \(from the configuration file .*office\.toml\).*integer"):
        make(tmp_path, CONFIG=str(path))
    path.write_text("kiosk_auto_print = [1]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kiosk_auto_print .*boolean"):
        make(tmp_path, CONFIG=str(path))


@pytest.mark.parametrize("name, value, words", [
    ("TERMINPRAXIS_BOARD_HISTORY", "abc", "integer"),
    ("TERMINPRAXIS_KIOSK_IDLE_SECONDS", "-5", "greater than 0"),
    ("TERMINPRAXIS_SYNCHRONOUS", "sometimes", "NORMAL"),
    ("TERMINPRAXIS_ONLINE_SERVICES", "{", "list"),
])
def test_a_wrong_environment_variable_names_the_key_and_the_variable(tmp_path, clean_env, name, value, words):
    clean_env.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        make(tmp_path)
    message = str(raised.value)
    key = name.removeprefix("TERMINPRAXIS_").lower()
    assert message.startswith(f"{key} (from the environment variable {name})") and words in message, message


def test_environment_texts_stay_texts_and_numbers_become_numbers(tmp_path, clean_env):
    clean_env.setenv("TERMINPRAXIS_SMTP_PASSWORD", "123456")
    clean_env.setenv("TERMINPRAXIS_BOARD_HISTORY", "9")
    clean_env.setenv("TERMINPRAXIS_KIOSK_AUTO_PRINT", "true")
    clean_env.setenv("TERMINPRAXIS_ONLINE_SERVICES", '["erstantrag"]')
    clean_env.setenv("TERMINPRAXIS_SYNCHRONOUS", "normal")
    app = make(tmp_path)
    found = settings(app)
    assert (found.smtp_password, found.board_history, found.kiosk_auto_print) == ("123456", 9, True)
    assert (found.online_services, found.synchronous) == (["erstantrag"], "NORMAL")
    assert app.config["BOARD_HISTORY"] == 9 and app.config["SMTP_PASSWORD"] == "123456"  # Flask's view agrees
    with pytest.raises(ConfigError, match="board_history"):
        change(app, BOARD_HISTORY="x")
    assert settings(app).board_history == 9


def test_the_board_reads_its_settings_from_the_toml_file(tmp_path, clean_env):
    path = tmp_path / "office.toml"
    path.write_text('board_history = 2\nboard_message = "Heute bis 12 Uhr"\n', encoding="utf-8")
    app = make(tmp_path, CONFIG=str(path))
    page = app.test_client().get("/display").get_data(as_text=True)
    assert "Heute bis 12 Uhr" in page and 'data-history="2"' in page
    assert "board_history" not in app.config["OFFICE"]  # a server key, not an office key


def test_the_documents_checklist_is_an_office_key_with_one_default():
    from queue_core import Office
    from queue_core.errors import InvalidInput
    from queue_core.office import OFFICE_DEFAULTS

    assert Office.from_mapping({}).documents == tuple(OFFICE_DEFAULTS["documents"]) and "Mietvertrag" in \
        OFFICE_DEFAULTS["documents"]
    assert Office.from_mapping({"documents": ["Mietvertrag"]}).documents == ("Mietvertrag",)
    assert Office.from_mapping({"documents": []}).documents == ()
    with pytest.raises(InvalidInput) as refused:
        Office.from_mapping({"documents": "Mietvertrag"})
    assert refused.value.details["field"] == "documents"
