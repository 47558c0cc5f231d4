"""nginx in front of two run_kiosk.py on Redis (tools/cluster.py, what `make cluster` starts)."""
from __future__ import annotations

import shutil
import sys
import urllib.request
from pathlib import Path

import pytest

from board_helpers import ApiDesk, BoardClient
from conftest import ROOT, server_env

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists()
                                 or shutil.which("redis-server") is None,
                                 reason="needs nginx and redis-server (make test-tools)")]


def test_a_board_behind_nginx_hears_calls_made_on_either_process(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    from cluster import Cluster

    cluster = Cluster(tmp_path / "live.db", tmp_path / "cluster", processes=2,
                      env=server_env(tmp_path / "live.db")).start()
    board = None
    try:
        with urllib.request.urlopen(cluster.url + "/display", timeout=5) as response:
            assert response.status == 200 and b'id="board"' in response.read()
        # through nginx with Socket.IO's default start (long-polling, then the websocket upgrade)
        board = BoardClient(cluster.url)
        board.sio.connect(cluster.url, namespaces=["/board"], wait_timeout=10)
        board.next("snapshot")
        desks = [ApiDesk(cluster.server_url(0), tmp_path / "live.db", staff=("abraun",)),
                 ApiDesk(cluster.server_url(1), tmp_path / "live.db", staff=("hkoch",))]
        # one call through each process: whichever the board is on, one of them is another process
        for desk, staff in zip(desks, ("abraun", "hkoch")):
            number, _ = desk.call(staff=staff)
            event, _, _ = board.until_called(number, timeout=8)
            assert event["room"] == "Zimmer 214"
        through_nginx = ApiDesk(cluster.url, tmp_path / "live.db", staff=("pschulz",))
        number, _ = through_nginx.call("216", staff="pschulz")
        board.until_called(number, timeout=8)
    finally:
        if board:
            board.close()
        cluster.stop()
