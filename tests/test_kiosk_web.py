"""Kiosk pages and the check-in API through the Flask test client (demo office, Monday 08:30)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from queue_core.codes import format_code
from web.config import change as change_settings

BERLIN_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def book(engine, at: datetime, **fields):
    fields.setdefault("service", "weiterbewilligung")
    fields.setdefault("staff", "abraun")
    return engine.book_appointment(starts_at=at, **fields)


def ticket_token(response) -> str:
    match = re.search(r"/ticket/([\w-]+)", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


# --- start screen, languages, info --------------------------------------------------------------

def test_start_screen_german_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in page
    assert "Ich habe einen Termin" in page and "Ich habe keinen Termin (dringend)" in page
    assert "0461 85-0000" in page
    for name in ("Deutsch", "English", "Dansk", "Türkçe", "العربية", "Українська"):
        assert name in page
    assert 'aria-current="true" class="active">Deutsch' in page


@pytest.mark.parametrize("lang,text,direction", [
    ("en", "I have an appointment", "ltr"), ("da", "Jeg har en tid", "ltr"), ("tr", "Randevum var", "ltr"),
    ("ar", "لدي موعد", "rtl"), ("uk", "У мене є запис", "ltr")])
def test_language_row_switches_and_sticks(client, lang, text, direction):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page and text in page
    assert f'<html lang="{lang}"' in client.get("/termin").get_data(as_text=True)  # kept in the session


def test_info_pages_from_config_folder(client):
    page = client.get("/info/entitlement").get_data(as_text=True)
    assert "Sozialhilfe – haben Sie Anspruch?" in page
    assert "How it works" in client.get("/info/procedure?lang=en").get_data(as_text=True)
    assert "Sådan fungerer det" in client.get("/info/procedure?lang=da").get_data(as_text=True)
    assert client.get("/info/secrets").status_code == 404
    assert client.get("/info/..%2f..%2fpyproject").status_code == 404


def test_info_markdown_cannot_inject_html(app, client, tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "procedure.md").write_text("# Titel\n\n<script>alert(1)</script> <b>x</b>\n")
    change_settings(app, KIOSK_INFO_DIR=str(tmp_path))
    page = client.get("/info/procedure").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


# --- appointment check-in ----------------------------------------------------------------------

def test_code_screen_has_keypad_of_code_alphabet(client):
    page = client.get("/termin").get_data(as_text=True)
    keys = re.findall(r'data-key="(\w)"', page)
    assert "".join(keys) == "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    assert 'id="code"' in page and "autofocus" in page and 'inputmode="none"' in page


def test_check_in_by_code_gives_ticket(client, engine):
    appointment = book(engine, BERLIN_0900)
    response = client.post("/termin", data={"code": format_code(appointment.code).lower()})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "T 001" in page and 'Ihr Termin: <bdi dir="ltr">09:00</bdi> Uhr' in page
    assert "<svg" in page and "Wartenummer drucken" in page
    assert "Bitte nehmen Sie im Wartebereich Platz" in page
    # A repeat (double tap, scanner twice) gives the same ticket.
    again = client.post("/termin", data={"code": appointment.code})
    assert ticket_token(again) == ticket_token(response)


def test_scanner_may_send_a_url(client, engine):
    appointment = book(engine, BERLIN_0900)
    response = client.post("/termin", data={"code": f"https://example.org/c/{appointment.code}\r\n"})
    assert response.status_code == 302


def test_too_early_says_when_to_come_back(client, engine):
    appointment = book(engine, BERLIN_0900 + timedelta(hours=2))  # 11:00, check-in from 10:00
    page = client.post("/termin", data={"code": appointment.code}).get_data(as_text=True)
    assert "Sie sind früh dran" in page and "11:00" in page and "10:00" in page


def test_late_arrival_gets_a_walk_in_ticket(client, engine, clock):
    appointment = book(engine, BERLIN_0900 - timedelta(minutes=25))  # 08:35
    clock.advance(minutes=25)  # 08:55: 20 minutes late, tolerance 15
    response = client.post("/termin", data={"code": appointment.code})
    assert "late=1" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nach Ihrer Terminzeit" in page and "B 001" in page and "Geschätzte Wartezeit" in page


def test_unknown_code_is_neutral(client, engine):
    book(engine, BERLIN_0900)
    for typed in ("ZZZZ-ZZZZ", "hello", ""):
        page = client.post("/termin", data={"code": typed}).get_data(as_text=True)
        assert "Diesen Code konnten wir nicht finden" in page and "Information" in page


def test_wrong_codes_pause_the_kiosk(client, engine):
    appointment = book(engine, BERLIN_0900)
    for _ in range(10):
        assert client.post("/termin", data={"code": "ZZZZ-ZZZZ"}).status_code == 200
    paused = client.post("/termin", data={"code": appointment.code})
    assert paused.status_code == 429
    page = paused.get_data(as_text=True)
    assert "Bitte warten Sie einen Moment" in page and "Sekunden" in page
    api = client.post("/api/v1/check-in", json={"code": appointment.code})
    assert api.status_code == 429
    assert api.json["error"]["code"] == "too_many_attempts" and api.json["error"]["retry_after"] > 0
    assert int(api.headers["Retry-After"]) > 0
    # Walk-ins are not affected by the code pause.
    assert client.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}}).status_code == 201


def test_right_codes_do_not_count(client, engine):
    appointment = book(engine, BERLIN_0900)
    for _ in range(15):
        assert client.post("/termin", data={"code": appointment.code}).status_code == 302


# --- walk-in -------------------------------------------------------------------------------------

def test_walk_in_service_grid_then_letter_then_ticket(client):
    page = client.get("/ohne-termin").get_data(as_text=True)
    assert "Worum geht es?" in page and "zuerst aufgerufen" in page
    assert 'href="/ohne-termin/erstantrag"' in page  # the demo office assigns by letters
    letters = client.get("/ohne-termin/erstantrag").get_data(as_text=True)
    assert "Erster Buchstabe Ihres Nachnamens" in letters
    request_id = re.search(r'name="request_id" value="(\w+)"', letters).group(1)
    response = client.post("/ohne-termin", data={"service": "erstantrag", "initial": "K",
                                                  "request_id": request_id})
    ticket = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "E 001" in ticket and "Geschätzte Wartezeit" in ticket
    assert re.search(r"in wenigen Minuten|etwa \d+–\d+ Minuten", ticket)
    assert "Mit Termin werden Sie zuerst aufgerufen" in ticket and "0461 85-0000" in ticket
    # The same request (double tap) gives the same ticket.
    again = client.post("/ohne-termin", data={"service": "erstantrag", "initial": "K",
                                               "request_id": request_id})
    assert ticket_token(again) == ticket_token(response)


def test_walk_in_without_letters_posts_from_the_grid(app, client):
    app.extensions["terminpraxis"]["office"] = _office_without_letters()
    page = client.get("/ohne-termin").get_data(as_text=True)
    assert 'name="service" value="notfall"' in page
    response = client.post("/ohne-termin", data={"service": "notfall", "request_id": "r1"})
    assert response.status_code == 302


def _office_without_letters():
    import sys

    from queue_core import Office
    conftest = sys.modules["conftest"]
    raw = conftest.office_mapping()
    for person in raw["staff"]:
        person.pop("letters", None)
    return Office.from_mapping(raw)


@pytest.mark.parametrize("berlin,reason,text", [
    ((13, 0), "closed", "Das Amt ist zurzeit geschlossen."),
    ((11, 45), "cutoff", "Heute geben wir keine Wartenummern ohne Termin mehr aus."),
])
def test_walk_in_refused_with_hours_and_phone(client, clock, berlin, reason, text):
    clock.set(datetime(2026, 11, 23, berlin[0] - 1, berlin[1], tzinfo=timezone.utc))
    page = client.post("/ohne-termin", data={"service": "notfall", "request_id": "x"}).get_data(as_text=True)
    assert f'data-reason="{reason}"' in page and text in page
    assert "Öffnungszeiten" in page and "Montag" in page and "08:00–12:00, 14:00–16:00" in page
    assert "0461 85-0000" in page
    if reason == "closed":
        assert "Wir öffnen wieder am 23.11.2026 um 14:00 Uhr." in page


def test_refusal_translated(client, clock):
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc))
    page = client.post("/ohne-termin?lang=tr", data={"service": "notfall"}).get_data(as_text=True)
    assert "Ofis şu anda kapalı." in page and "Pazartesi" in page


# --- ticket screen and phone page ---------------------------------------------------------------

def test_ticket_screen_print_layout_and_qr(client):
    response = client.post("/ohne-termin", data={"service": "unterlagen", "initial": "", "request_id": "q"})
    token = ticket_token(response)
    page = client.get(f"/ticket/{token}").get_data(as_text=True)
    assert "<svg" in page and "data-return-seconds=\"60\"" in page
    css = client.get("/static/kiosk/kiosk.css").get_data(as_text=True)
    assert "@page { size: 80mm auto" in css and "common/fonts.css" in page
    assert "../vendor/fonts/" in client.get("/static/common/fonts.css").get_data(as_text=True)  # served locally
    # The QR encodes the phone page's address.
    import segno
    assert segno.make(f"http://localhost/t/{token}?lang=de", error="m").svg_inline(
        scale=4, border=2, dark="#000", light="#fff", omitsize=False) in page


def test_auto_print_only_when_configured(app, client):
    token = ticket_token(client.post("/ohne-termin", data={"service": "unterlagen", "request_id": "a"}))
    assert "data-auto-print" not in client.get(f"/ticket/{token}?fresh=1").get_data(as_text=True)
    change_settings(app, KIOSK_AUTO_PRINT=True)
    assert "data-auto-print" in client.get(f"/ticket/{token}?fresh=1").get_data(as_text=True)
    assert "data-auto-print" not in client.get(f"/ticket/{token}").get_data(as_text=True)


def test_phone_page_shows_status_and_call(client, engine):
    token = ticket_token(client.post("/ohne-termin", data={"service": "notfall", "request_id": "p"}))
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert "W 001" in page and "Bitte warten Sie. Sie werden aufgerufen." in page
    assert "/static/vendor/socket.io.min.js" in page and "data-idle-seconds" not in page
    engine.call_next("214", "abraun")
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert 'Sie werden aufgerufen: <bdi dir="ltr">Zimmer 214</bdi>.' in page  # the room keeps its order in RTL


def test_unknown_token_is_a_kind_404(client):
    response = client.get("/t/not-a-token")
    assert response.status_code == 404 and "Diese Seite gibt es nicht" in response.get_data(as_text=True)
    assert client.get("/ticket/" + "x" * 5000).status_code == 404


def test_idle_timeout_is_configurable(app, client):
    assert 'data-idle-seconds="60"' in client.get("/termin").get_data(as_text=True)
    change_settings(app, KIOSK_IDLE_SECONDS=2)
    assert 'data-idle-seconds="2"' in client.get("/termin").get_data(as_text=True)


# --- API -----------------------------------------------------------------------------------------

def test_api_check_in_code_201_then_200(client, engine):
    appointment = book(engine, BERLIN_0900)
    first = client.post("/api/v1/check-in", json={"code": appointment.code, "language": "en"})
    assert first.status_code == 201
    ticket = first.json["ticket"]
    assert {"id", "number", "kind", "token", "estimated_wait_min"} <= set(ticket)
    assert ticket["number"] == "T 001" and ticket["kind"] == "appointment"
    again = client.post("/api/v1/check-in", json={"code": format_code(appointment.code)})
    assert again.status_code == 200 and again.json["ticket"]["id"] == ticket["id"]


def test_api_walk_in_and_request_id(client):
    body = {"walk_in": {"service": "erstantrag", "initial": "m"}, "request_id": "kiosk-1-42"}
    first = client.post("/api/v1/check-in", json=body)
    assert first.status_code == 201 and first.json["ticket"]["kind"] == "walk_in"
    again = client.post("/api/v1/check-in", json=body)
    assert again.status_code == 200 and again.json["ticket"]["token"] == first.json["ticket"]["token"]


def test_api_refusals(client, engine, clock):
    unknown = client.post("/api/v1/check-in", json={"code": "ZZZZ-ZZZZ"})
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "unknown_code"
    early = book(engine, BERLIN_0900 + timedelta(hours=2))
    too_early = client.post("/api/v1/check-in", json={"code": early.code})
    assert too_early.status_code == 409 and too_early.json["error"]["code"] == "too_early"
    assert too_early.json["error"]["come_back_at"].startswith("2026-11-23T09:00")
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc))
    closed = client.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}})
    assert closed.status_code == 409
    error = closed.json["error"]
    assert error["code"] == "intake_closed" and error["reason"] == "closed" and error["phone"]
    assert error["hours"]["mon"] == ["08:00-12:00", "14:00-16:00"] and error["next_opening"]


def test_api_ticket_status(client, engine):
    token = client.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}}).json["ticket"]["token"]
    status = client.get(f"/api/v1/tickets/{token}").json
    assert status["number"] == "W 001" and status["state"] == "waiting" and status["position"] == 1
    assert isinstance(status["estimated_wait_min"], int) and status["room"] is None
    engine.call_next("216", "pschulz")
    status = client.get(f"/api/v1/tickets/{token}").json
    assert status["state"] == "called" and status["room"] == "Zimmer 216" and status["position"] is None
    missing = client.get("/api/v1/tickets/nope")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


GARBAGE = [
    b"not json", b"[1, 2]", b"null", b'"code"', b"{", b"\xff\xfe",
    {"code": 5}, {"code": None}, {"code": ["ABCD"]}, {"code": {"a": 1}}, {"code": "x" * 100_000},
    {"code": "\x00\x00\x00\x00\x00\x00\x00\x00"}, {"code": "ÄÖÜ-ßßßß"},
    {"walk_in": "notfall"}, {"walk_in": None}, {"walk_in": {}}, {"walk_in": {"service": 5}},
    {"walk_in": {"service": "x" * 100_000}}, {"walk_in": {"service": "notfall", "initial": 7}},
    {"walk_in": {"service": "notfall", "initial": "1"}}, {"walk_in": {"service": "notfall", "initial": "x" * 9000}},
    {"walk_in": {"service": "notfall"}, "language": 5}, {"walk_in": {"service": "notfall"}, "language": "x" * 999},
    {"walk_in": {"service": "notfall"}, "request_id": 12}, {"walk_in": {"service": "notfall"}, "request_id": "x" * 999},
    {"walk_in": {"service": "notfall"}, "request_id": ""}, {"code": "ABCD", "walk_in": {"service": "notfall"}},
    {}, {"walk_in": {"service": ["notfall"]}}, {"walk_in": {"service": "__class__"}},
]


@pytest.mark.parametrize("body", GARBAGE)
def test_api_garbage_is_never_a_500(app, client, body):
    change_settings(app, KIOSK_WRONG_CODE_LIMIT="1000 per minute")
    if isinstance(body, bytes):
        response = client.post("/api/v1/check-in", data=body, content_type="application/json")
    else:
        response = client.post("/api/v1/check-in", json=body)
    assert 400 <= response.status_code < 500 or response.status_code in (200, 201), response.status_code
    if response.status_code >= 400:
        assert set(response.json["error"]) >= {"code", "message"}
        assert len(response.get_data()) < 2000  # huge input is not echoed back


def test_forms_and_urls_survive_garbage(app, client):
    change_settings(app, KIOSK_WRONG_CODE_LIMIT="1000 per minute")
    huge = "Ä" * 50_000
    for data in ({"code": huge}, {"code": "\x00"}, {}, {"code": ["a", "b"]}):
        assert client.post("/termin", data=data).status_code < 500
    for data in ({"service": huge}, {"service": "notfall", "initial": "\x00"}, {"service": "notfall", "initial": "ÿ"},
                 {"service": "notfall", "request_id": huge}, {}, {"service": "notfall", "initial": huge}):
        assert client.post("/ohne-termin", data=data).status_code < 500
    for path in ("/ohne-termin/" + huge, "/t/" + huge, "/ticket/%00", "/api/v1/tickets/" + huge,
                 "/info/" + huge, "/?lang=" + huge, "/termin?lang=%00"):
        assert client.get(path).status_code < 500, path
    assert client.get("/api/v1/check-in").status_code == 405
    assert client.post("/api/v1/check-in", data="x" * 10, content_type="text/plain").status_code == 400
