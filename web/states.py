"""The queue's words (``queue_core.states``) for templates and scripts, from one place.

Templates: the Jinja globals ``TicketState``, ``AppointmentState`` and ``EventKind``
(``{% if status.state == TicketState.WAITING %}``). Scripts: ``Terminpraxis.states`` (static/common/
terminpraxis.js), read from the page (``queue_words``, written by templates/base.html), and
``GET /states.json`` for other clients: the same names and values as plain JSON (public: words, no data).
"""
from __future__ import annotations

from flask import Blueprint, jsonify

from queue_core.states import AppointmentState, EventKind, TicketState, vocabulary

bp = Blueprint("states", __name__)


@bp.record_once
def _jinja_globals(state) -> None:
    state.app.jinja_env.globals.update(TicketState=TicketState, AppointmentState=AppointmentState,
                                       EventKind=EventKind, queue_words=vocabulary())


@bp.get("/states.json")
def states_json():
    """Ticket states, appointment states and event kinds, by name: {"ticket_states": {"CALLED": "called"}, …}."""
    response = jsonify(vocabulary())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
