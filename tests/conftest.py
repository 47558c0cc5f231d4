"""Shared fixtures: every test gets its own SQLite file; servers run as real subprocesses."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from queue_core import Engine, ManualClock, Office, connect

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = ROOT / "config" / "demo-office.toml"
ARTIFACTS = ROOT / "test-artifacts"

# A Monday in office hours (08:30 in Berlin) of the demo office.
MONDAY_0830 = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)


def office_mapping(**overrides) -> dict:
    """The demo office's configuration with realistic hours (Mon 08–12 and 14–16, …)."""
    with DEMO_CONFIG.open("rb") as handle:
        raw = tomllib.load(handle)
    raw["hours"] = {"mon": ["08:00-12:00", "14:00-16:00"], "tue": ["08:00-12:00"], "wed": ["08:00-12:00"],
                    "thu": ["08:00-12:00", "14:00-18:00"], "fri": ["08:00-12:00"]}
    raw["booking_hours"] = {}  # realistic hours already: appointments whenever the office is open
    raw.update(overrides)
    return raw


@pytest.fixture
def office() -> Office:
    return Office.from_mapping(office_mapping())


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_0830)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "terminpraxis.db"


@pytest.fixture
def engine(db_path, office, clock):
    engine = Engine(connect(db_path), office, clock)
    yield engine
    engine.db.close()


@pytest.fixture
def app(db_path, clock):
    from terminpraxis import create_app

    app = create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                      "CONFIG": str(DEMO_CONFIG), "OFFICE": office_mapping(), "CLOCK": clock,
                      "SECRET_KEY": "test"})
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A real runner (run_kiosk.py or run_display.py) in a subprocess on its own port."""

    def __init__(self, script: str, env: dict[str, str], port: int | None = None):
        self.script, self.env = script, env
        self.db_path = Path(env["TERMINPRAXIS_DATABASE"])
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "LiveServer":  # a deadline: a loaded machine starts slowly
        log = open(self.db_path.with_suffix(f".{self.port}.log"), "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / self.script), "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.script} exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.kill()  # else it lives on after the failed test, and loads the machine for the next ones
        raise RuntimeError(f"{self.script} did not answer within {timeout}s")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def demo_kiosk(folder: Path) -> LiveServer:
    """A started run_kiosk.py with the demo office on a new database in ``folder``."""
    return LiveServer("run_kiosk.py", server_env(folder / "live.db")).start()


def server_env(db_path: Path, config: Path = DEMO_CONFIG, **extra: str) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE (set on some machines) would make every server compile the project's
    # modules from source again: about half a second of CPU per start, and the suite starts many.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TERMINPRAXIS_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"TERMINPRAXIS_DATABASE": str(db_path), "TERMINPRAXIS_CONFIG": str(config),
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


@pytest.fixture
def live_server(tmp_path):
    """Start run_kiosk.py against a fresh database; yields the LiveServer (``.url``)."""
    servers: list[LiveServer] = []

    def start(script: str = "run_kiosk.py", **env: str) -> LiveServer:
        server = LiveServer(script, server_env(tmp_path / "live.db", **env)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


AXE = ROOT / "static" / "vendor" / "axe.min.js"


def assert_accessible(page, screen: str, every_impact: bool = True) -> None:
    """Run axe-core (served locally from static/vendor) in the page: no violation of any impact, minor
    and moderate included (``every_impact=False``: only serious and critical ones count)."""
    # From the server's own /static (served from static/vendor): the pages' CSP allows no inline script.
    origin = page.evaluate("location.origin")
    page.add_script_tag(url=f"{origin}/static/vendor/axe.min.js")
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    bad = [v for v in violations if every_impact or v["impact"] in ("serious", "critical")]
    assert not bad, f"{screen}: axe-core violations {bad}"


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def add_account(db_path: Path, username: str, *, role: str = "staff", password: str = "browser-geheim-1",
                name: str | None = None, token: bool = False) -> str | None:
    """A staff account on a live server's database file, through the real argon2 path (and the
    engine's account commands); with ``token``, a new API bearer token of it."""
    db = connect(db_path)
    try:
        engine = bare_engine(db)
        engine.add_staff(username, name=name or username.title(), role=role, password=password)
        return engine.create_token(username) if token else None
    finally:
        db.close()


def bare_engine(db) -> Engine:
    """An engine over a database file without the office's configuration, for account commands."""
    from queue_core.clock import SystemClock

    return Engine(db, Office.from_mapping({}), SystemClock())


def sign_in(page, base_url: str, username: str, then: str, password: str = "browser-geheim-1") -> None:
    """Sign in through the real sign-in page and land on ``then``."""
    page.goto(f"{base_url}/desk/login?next={then}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{then}")


def watched_page(browser, viewport: dict[str, int]):
    """A German page in a context of its own; the test fails on any JavaScript error in it
    (use as ``yield from watched_page(browser, PORTRAIT)`` in a page fixture)."""
    context = browser.new_context(viewport=viewport, locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def sign_in_when_asked(page, url: str, username: str, password: str, desk: str | None = None) -> None:
    """Open a staff page signed out: it sends the browser to the sign-in page, which is filled in."""
    page.goto(url)
    page.wait_for_url("**/desk/login**")
    page.fill("#username", username)
    page.fill("#password", password)
    if desk is not None:
        page.select_option("#desk", desk)
    page.click("button[type=submit].primary")


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
