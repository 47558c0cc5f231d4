"""GET /api/v1/board: the board snapshot over plain HTTP (no personal data); GET /api/v1/boards (admin)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import g, jsonify, request

from web.api import api_blueprint, error
from web.auth import login_required
from web.engine import active_location

from .board import UnknownZone, normalise_zone, reader
from .events import boards

bp = api_blueprint("display_api", __name__)


@bp.get("/board")
def board_snapshot():
    board = reader()
    location = request.args.get("location")
    if location and location != board.office.location:
        if not active_location(location):
            return error(404, "unknown_location", f"this server has no location {location[:40]!r}")
        g.location = location  # another location of this installation: its own board
        board = reader()
    try:
        zone = normalise_zone(board.office, request.args.get("zone"))
    except UnknownZone:
        return error(404, "unknown_zone", "no desk is in that zone")
    return jsonify(board.snapshot(zone))



def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds") if ts else None


@bp.get("/boards")
@login_required("admin")
def connected_boards():
    """Admin: the boards this process serves (zone, sound enabled, last seen), from their heartbeats."""
    return jsonify({"boards": [
        {"id": b["sid"], "zone": b["zone"], "sound_enabled": b["sound_enabled"], "connected": b["connected"],
         "seq": b["seq"], "connected_at": _iso(b["connected_at"]), "last_seen": _iso(b["last_seen"])}
        for b in sorted(boards.all(), key=lambda b: b["connected_at"])]})
