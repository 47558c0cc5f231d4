"""A plain status page: the office, its hours and today's queue in numbers (no personal data)."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for

from queue_core import views
from queue_core.schedule import hours_text, local_day

from .engine import get_engine
from .i18n import hours_rows

bp = Blueprint("status", __name__)


def queue_counts() -> dict[str, int]:
    """Today's waiting tickets per kind at this location."""
    engine = get_engine()
    return views.waiting_counts(engine.db, engine.office.location, local_day(engine.office, engine.now()))


@bp.get("/status")
def status_page():
    engine = get_engine()
    return render_template("status.html", office=engine.office, hours=hours_rows(hours_text(engine.office)),
                           waiting=queue_counts())


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; the icon is one SVG."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/healthz")
def health():
    return jsonify({"ok": True, "waiting": queue_counts()})
