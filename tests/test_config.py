"""Configuration: TOML file, TERMINPRAXIS_* overrides, the test's own mapping, the stored secret."""
import pytest

from terminpraxis import create_app
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
