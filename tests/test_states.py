"""The queue's words in one place (queue_core.states): complete, equal to the stored text, and
handed to templates and scripts from there."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string

from queue_core import connect, events, store
from queue_core.models import APPOINTMENT_STATES, TICKET_STATES
from queue_core.states import AppointmentState, EventKind, TicketState

CORE = Path(__file__).resolve().parent.parent / "queue_core"
# A command passing its kind as a bare string instead of an EventKind member.
KIND_LITERAL = re.compile(r'(?:_event\([a-z_]+, |append\(db, [a-z_]+, )"([a-z_]+)"')


def test_every_kind_the_engine_appends_is_an_event_kind(engine):
    """The one writer of the log refuses a word that is not listed, so no kind can slip past the
    enum (a regex over the sources missed one); and commands name their kind by the enum."""
    with pytest.raises(ValueError):
        with store.write(engine.db):
            events.append(engine.db, engine.now(), "appointment_lost", engine.office.location)
    assert events.latest_seq(engine.db) == 0
    literal = [(path.name, match.group(1)) for path in CORE.glob("*.py")
               for match in KIND_LITERAL.finditer(path.read_text(encoding="utf-8"))]
    assert not literal, literal


def test_members_are_their_text_in_the_database(app, client, engine):
    assert client.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}}).status_code == 201
    db = connect(app.config["DATABASE"])
    try:
        state, = db.execute("SELECT state FROM tickets").fetchone()
        kind, = db.execute("SELECT kind FROM events WHERE kind = ?", (EventKind.WALKED_IN,)).fetchone()
    finally:
        db.close()
    assert state == TicketState.WAITING and kind == EventKind.WALKED_IN == "walked_in"
    assert TICKET_STATES == tuple(TicketState) and "no_show" in TICKET_STATES
    assert APPOINTMENT_STATES == tuple(AppointmentState) and "by_post" in APPOINTMENT_STATES


def test_templates_and_scripts_get_them_from_one_place(app, client):
    with app.test_request_context():
        text = render_template_string("{{ TicketState.CALLED }} {{ 'serving' == TicketState.SERVING }}"
                                      " {{ EventKind.RECALLED }} {{ AppointmentState.BY_POST }}")
    assert text == "called True recalled by_post"
    answer = client.get("/states.json")
    assert answer.status_code == 200 and answer.headers["Cache-Control"].startswith("public")
    assert answer.json["ticket_states"] == {m.name: m.value for m in TicketState}
    assert answer.json["appointment_states"]["CHECKED_IN"] == "checked_in"
    assert set(answer.json["event_kinds"].values()) == set(EventKind)
