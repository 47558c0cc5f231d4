"""After the visit: one anonymous, optional question on the visitor's phone (or at the kiosk's exit).

Reached from the phone status page by the ticket's unguessable token; the answer is stored
without the ticket (queue_core.climate). Plain form, no script; any refusal is a friendly page.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for

from queue_core.errors import InvalidInput, InvalidTransition, NotFound
from web.engine import get_engine

bp = Blueprint("feedback", __name__)
TOKEN_MAX = 64
SCORES = (5, 4, 3, 2, 1)


def _ticket_or_404(token: str):
    if len(token) > TOKEN_MAX:
        abort(404)
    try:
        return get_engine().ticket_by_token(token)
    except NotFound:
        abort(404)


@bp.route("/t/<token>/rueckmeldung", methods=["GET", "POST"])
def ask(token: str):
    ticket = _ticket_or_404(token)
    office = get_engine().office
    source = "kiosk" if request.values.get("source") == "kiosk" else "phone"
    if request.method == "POST":
        raw = request.form.get("score", "")
        try:
            get_engine().record_feedback(token, int(raw) if raw.isdigit() and len(raw) == 1 else raw, source)
        except (InvalidInput, InvalidTransition) as refused:
            done = refused.details.get("state") == "answered"
            return render_template("buchen/feedback.html", office=office, ticket=ticket, scores=SCORES,
                                   source=source, thanks=done, refused=not done), 200 if done else 422
        return render_template("buchen/feedback.html", office=office, ticket=ticket, scores=SCORES, source=source,
                               thanks=True)
    return render_template("buchen/feedback.html", office=office, ticket=ticket, scores=SCORES, source=source)


@bp.route("/rueckmeldung", methods=["GET", "POST"])
def kiosk_exit():
    """At the kiosk's exit: the visitor scans the QR on their ticket (the phone page's address)."""
    office = get_engine().office
    if request.method == "POST":
        match = re.search(r"/t/([A-Za-z0-9_-]{8,64})", request.form.get("scanned", "")[:500])
        if match:
            return redirect(url_for("feedback.ask", token=match.group(1), source="kiosk"))
        return render_template("buchen/feedback_scan.html", office=office, refused=True), 422
    return render_template("buchen/feedback_scan.html", office=office)
