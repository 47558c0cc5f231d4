"""A plain status page: the office, its hours and today's queue in numbers (no personal data)."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from queue_core.schedule import hours_text

from .engine import get_engine

bp = Blueprint("status", __name__)


def queue_counts() -> dict[str, int]:
    engine = get_engine()
    rows = engine.db.execute(
        "SELECT kind, COUNT(*) FROM tickets WHERE location = ? AND state = 'waiting' GROUP BY kind",
        (engine.office.location,)).fetchall()
    counts = {"appointment": 0, "walk_in": 0}
    counts.update(dict(rows))
    return counts


@bp.get("/status")
def status_page():
    engine = get_engine()
    return render_template("status.html", office=engine.office, hours=hours_text(engine.office),
                           waiting=queue_counts())


@bp.get("/healthz")
def health():
    return jsonify({"ok": True, "waiting": queue_counts()})
