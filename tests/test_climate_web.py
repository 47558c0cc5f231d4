"""The climate on the web: the phone page's question, the desk's two taps, the before/after report."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from test_desk_support import make_staff, sign_in

from queue_core.schedule import local_day


def serve(app, staff="abraun"):
    from web.engine import open_engine

    engine = open_engine(app)
    try:
        ticket = engine.walk_in("notfall").ticket
        call = engine.call_next("210", staff)
        engine.start(call.ticket.id)
        engine.finish(call.ticket.id)
        return ticket
    finally:
        engine.db.close()


def test_phone_page_offers_the_question_after_the_visit_and_takes_one_answer(app, client):
    ticket = serve(app)
    phone = client.get(f"/t/{ticket.token}?lang=ar").get_data(as_text=True)
    assert re.search(r'<p id="feedback" class="feedback" >', phone) and "كيف كان شعورك" in phone
    assert client.post(f"/t/{ticket.token}/rueckmeldung", data={"score": "9"}).status_code == 422
    answered = client.post(f"/t/{ticket.token}/rueckmeldung", data={"score": "4"})
    assert answered.status_code == 200 and 'id="thanks"' in answered.get_data(as_text=True)
    again = client.post(f"/t/{ticket.token}/rueckmeldung", data={"score": "1"})
    assert again.status_code == 200 and 'id="thanks"' in again.get_data(as_text=True)
    assert client.get("/t/unknown-token/rueckmeldung").status_code == 404


def test_the_question_waits_until_the_visit_is_over(app, client):
    from web.engine import open_engine

    engine = open_engine(app)
    ticket = engine.walk_in("notfall").ticket
    engine.db.close()
    assert 'id="feedback" class="feedback" hidden' in client.get(f"/t/{ticket.token}").get_data(as_text=True)
    assert 'id="not-yet"' in client.get(f"/t/{ticket.token}/rueckmeldung").get_data(as_text=True)


def test_desk_note_needs_staff_and_valid_taps(app, client):
    serve(app)
    assert client.post("/api/v1/climate", json={"climate": "calm"}).status_code == 401
    make_staff(app, "abraun")
    token = sign_in(client, "abraun")
    headers = {"X-CSRFToken": token}
    assert client.post("/api/v1/climate", json={"climate": "angry"}, headers=headers).status_code == 422
    assert client.post("/api/v1/climate", json={"incident": ["x"]}, headers=headers).status_code == 422
    assert client.post("/api/v1/climate", json={"climate": "tense"}, headers=headers).status_code == 200
    assert client.post("/api/v1/climate", json={"incident": "threat"}, headers=headers).status_code == 200
    desk = client.get("/desk").get_data(as_text=True)
    assert 'id="climate"' in desk and "desk/climate.js" in desk


def test_before_after_report_and_csv_show_the_answer_and_the_note(app, client, clock):
    ticket = serve(app)
    make_staff(app, "leitung", role="admin")
    token = sign_in(client, "leitung")
    client.post(f"/t/{ticket.token}/rueckmeldung", data={"score": "2"})
    make_staff(app, "abraun")
    desk = app.test_client()
    desk_token = sign_in(desk, "abraun")
    desk.post("/api/v1/climate", json={"climate": "heated"}, headers={"X-CSRFToken": desk_token})
    desk.post("/api/v1/climate", json={"incident": "security_called"}, headers={"X-CSRFToken": desk_token})
    today = local_day(app.extensions["terminpraxis"]["office"], clock.now())
    change = (today + timedelta(days=1)).isoformat()
    page = client.get(f"/reports/vorher-nachher?change={change}&to={change}&name=Mehr+Termine")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mehr Termine" in html
    row = re.search(r'data-figure="feedback_mean.walk_in">.*?</tr>', html, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["2.0", "1", "–", "0"]
    exported = client.get(f"/reports/vorher-nachher.csv?change={change}&to={change}")
    rows = {r["figure"]: r for r in csv.DictReader(io.StringIO(exported.get_data(as_text=True)))}
    assert rows["incidents.security_called"]["before"] == "1" and rows["incidents.total"]["before_n"] == "1"
    assert client.get("/reports/vorher-nachher?change=gestern").status_code == 422
    assert app.test_client().get(f"/reports/vorher-nachher?change={change}").status_code == 302


def test_the_kiosk_asks_at_the_exit_by_the_tickets_qr(app, client):
    ticket = serve(app)
    assert 'id="feedback-exit"' in client.get("/?lang=de").get_data(as_text=True)
    scanned = client.post("/rueckmeldung", data={"scanned": f"http://amt.example/t/{ticket.token}?lang=de"})
    assert scanned.status_code == 302 and scanned.headers["Location"].endswith("source=kiosk")
    answered = client.post(f"/t/{ticket.token}/rueckmeldung", data={"score": "5", "source": "kiosk"})
    assert 'id="back-to-start"' in answered.get_data(as_text=True)
    assert client.post("/rueckmeldung", data={"scanned": "K7M4-QXZ9"}).status_code == 422
    from queue_core import connect

    db = connect(app.config["DATABASE"])
    assert db.execute("SELECT source, score FROM feedback").fetchall() == [("kiosk", 5)]
    db.close()
