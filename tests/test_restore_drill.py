"""The restore drill on a real server: traffic, a backup while it runs, more traffic, a restore.

Everything committed before the backup is back; numbers handed out after it are never given again.
"""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

from board_helpers import Desk
from conftest import LiveServer, server_env

TERMINPRAXIS = Path(sys.executable).parent / "terminpraxis"


def walk_in(url: str) -> str:
    request = urllib.request.Request(url + "/api/v1/check-in", method="POST",
                                     data=json.dumps({"walk_in": {"service": "notfall"}}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.load(response)["ticket"]["number"]


def cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(TERMINPRAXIS), *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=60)


def numbers(db_path: Path) -> list[str]:
    desk = Desk(db_path)
    try:
        return [r["number"] for r in desk.engine.db.query("SELECT number FROM tickets ORDER BY id")]
    finally:
        desk.close()


def test_restore_drill(tmp_path):
    db_path = tmp_path / "office.db"
    env = server_env(db_path)
    server = LiveServer("run_kiosk.py", env).start()
    try:
        desk = Desk(db_path)
        starts = (datetime.now(timezone.utc) + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
        booked = desk.engine.book_appointment(service="erstantrag", starts_at=starts, staff="abraun",
                                              name="Drill Person")
        for _ in range(3):
            walk_in(server.url)
        called, _ = desk.call("214", "hkoch")  # one more walk-in; the first one called and finished
        morning = numbers(db_path)
        assert morning == ["W 001", "W 002", "W 003", "W 004"] and called == "W 001"
        made = cli(env, "backup", str(tmp_path / "backups"), "--keep", "3")
        assert made.returncode == 0, made.stderr
        copy = next((tmp_path / "backups").glob("terminpraxis-*.db"))
        afternoon = [walk_in(server.url) for _ in range(2)]
        late_booking = desk.engine.book_appointment(service="erstantrag", starts_at=starts + timedelta(hours=1),
                                                    staff="abraun", name="After Backup")
        desk.close()

        refused = cli(env, "restore", str(copy), "--yes")
        assert refused.returncode != 0 and "running server" in refused.stderr
        assert numbers(db_path) == morning + afternoon  # nothing touched
    finally:
        server.stop()

    restored = cli(env, "restore", str(copy), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "before-restore" in restored.stdout
    assert numbers(db_path) == morning
    desk = Desk(db_path)
    assert desk.engine.appointment(booked.id).state == "booked"
    assert desk.engine.db["appointments"].count_where("id = ?", [late_booking.id]) == 0
    desk.close()

    server = LiveServer("run_kiosk.py", env).start()
    try:
        again = walk_in(server.url)
        # W 005 and W 006 were handed out after the backup: those visitors still hold them.
        assert afternoon == ["W 005", "W 006"] and again == "W 007"
        with urllib.request.urlopen(server.url + "/api/v1/board", timeout=10) as response:
            board = json.load(response)
        assert [c["number"] for c in board["called"]][:1] == [called]
    finally:
        server.stop()
