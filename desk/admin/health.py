"""The admin's health page (/admin/health): every kiosk, board and printer and what it last reported.

The office's IT looks here first: is the board in the hallway alive, can it play sound, can it
speak, is the printer working, which version does each device run. Reports come from every
process through the shared database (queue_core.devices).
"""
from __future__ import annotations

from flask import Blueprint, render_template, request

from queue_core import devices
from queue_core.schedule import wall_clock
from web.auth import current_user, login_required
from web.config import settings
from web.engine import get_engine
from web.public import is_loopback

bp = Blueprint("admin_health", __name__, url_prefix="/admin")


@bp.get("/health")
@login_required("admin")
def health():
    engine = get_engine()
    now = engine.now()
    found = devices.listing(engine.db, now)
    for row in found:
        row["last_seen_text"] = wall_clock(engine.office, row["last_seen_at"], "%d.%m. %H:%M:%S")
    public = settings().kiosk_public_url or request.host_url
    return render_template("admin/health.html", office=engine.office, user=current_user(), devices=found,
                           kinds=devices.KINDS, public_url=public, public_loopback=is_loopback(public))
