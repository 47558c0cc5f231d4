"""Notices to visitors through a real SMTP server (aiosmtpd on loopback) and a real HTTP SMS gateway.

The mail's words, its .ics and its link; the reminder at the lead time on the virtual clock; the
cancel notice; back-off while the server is down; and nothing sent twice after kill -9 mid-send.
"""
from __future__ import annotations

import asyncio
import email
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from queue_core import Engine, connect, outbox
from queue_core.clock import SystemClock
from queue_core.slots import free_slots

from conftest import DEMO_CONFIG, MONDAY_0830, ROOT, free_port, office_mapping, server_env
from web.config import change as change_settings

PUBLIC = "http://amt.example"


class Inbox:
    """An aiosmtpd handler keeping every mail; ``hold`` makes the n-th DATA hang (a stuck server)."""

    def __init__(self, hold: int | None = None):
        self.messages: list[email.message.EmailMessage] = []
        self.hold = hold

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        if self.hold is not None and len(self.messages) == self.hold:
            await asyncio.sleep(60)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def sms_gateway():
    received: list[dict] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"auth": self.headers.get("Authorization"), "key": self.headers.get("Idempotency-Key"),
                             "body": json.loads(body)})
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    yield server
    server.shutdown()


@pytest.fixture
def notice_app(db_path, clock, smtp, sms_gateway):
    from terminpraxis import create_app

    return create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                       "CONFIG": str(DEMO_CONFIG), "OFFICE": office_mapping(), "CLOCK": clock, "SECRET_KEY": "t",
                       "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_FROM": "termine@amt.example",
                       "SMS_URL": sms_gateway.url, "SMS_AUTHORIZATION": "Bearer gateway-secret",
                       "KIOSK_PUBLIC_URL": PUBLIC, "NOTIFY_TIMEOUT_S": 5, "NOTIFY_BACKOFF_S": 60})


def book_via_api(client, surname="Haddad", lang="ar", after_hours=30, **contact):
    slots = client.get(f"/api/v1/online/slots?service=weiterbewilligung&surname={surname}").get_json()["slots"]
    slot = next(s for s in slots if s["starts_at"] >= (MONDAY_0830 + timedelta(hours=after_hours)).isoformat())
    response = client.post("/api/v1/online/bookings", json={
        "service": "weiterbewilligung", "slot": slot["value"], "surname": surname, "language": lang,
        "consent": True, **contact})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["booking"], slot


def send(app):
    from booking_public.sender import run_once

    return run_once(app, "test-sender")


def test_arabic_booking_sends_the_confirmation_with_ics_and_a_working_link(notice_app, smtp, sms_gateway):
    client = notice_app.test_client()
    booking, slot = book_via_api(client, email="haddad@example.org", mobile="+49 151 2345678")
    assert send(notice_app)["sent"] == 2 and send(notice_app)["sent"] == 0  # once, then nothing twice
    mail = smtp.messages[0]
    assert mail["To"] == "haddad@example.org" and mail["Content-Language"] == "ar"
    assert "تم حجز موعدك" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert booking["code"] in text and "Haddad" not in text
    link = re.search(r"http://amt\.example(/buchen/termin/[^\s]+)", text).group(1)
    assert link.startswith(f"/buchen/termin/{booking['token']}")
    page = client.get(link)
    assert page.status_code == 200 and booking["code"] in page.get_data(as_text=True)
    ics = next(p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime.fromisoformat(slot["starts_at"])
    assert booking["code"] in str(event["description"]) and booking["token"] in str(event["description"])
    sms = sms_gateway.received[0]
    assert sms["auth"] == "Bearer gateway-secret" and sms["body"]["to"] == "+491512345678"
    assert booking["code"] in sms["body"]["text"] and sms["key"].startswith("terminpraxis-outbox-")


def test_reminder_arrives_at_the_lead_time_and_cancel_notice_frees_the_slot(notice_app, smtp, clock):
    client = notice_app.test_client()
    booking, slot = book_via_api(client, lang="de", email="h@example.org")
    send(notice_app)
    starts = datetime.fromisoformat(booking["starts_at"])
    clock.set(starts - timedelta(hours=24, minutes=1))
    assert send(notice_app)["sent"] == 0
    clock.set(starts - timedelta(hours=23, minutes=59))
    assert send(notice_app) == {"reminders": 1, "sent": 1, "failed": 0}
    assert smtp.messages[-1]["Subject"].startswith("Erinnerung an Ihren Termin")
    assert send(notice_app)["sent"] == 0
    response = client.post(f"/buchen/termin/{booking['token']}/absagen")
    assert response.status_code == 302
    assert send(notice_app)["sent"] == 1
    assert smtp.messages[-1]["Subject"].startswith("Ihr Termin ist abgesagt")
    offered = client.get("/api/v1/online/slots?service=weiterbewilligung&surname=Haddad").get_json()["slots"]
    assert slot["value"] in [s["value"] for s in offered]


def test_a_down_mail_server_backs_off_and_sends_later(notice_app, smtp, clock, db_path):
    client = notice_app.test_client()
    book_via_api(client, email="h@example.org")
    change_settings(notice_app, SMTP_PORT=free_port())  # nobody listens there
    assert send(notice_app)["failed"] == 1
    assert send(notice_app)["failed"] == 0  # backing off: not tried again at once
    change_settings(notice_app, SMTP_PORT=smtp.port)
    clock.advance(seconds=61)
    assert send(notice_app)["sent"] == 1 and len(smtp.messages) == 1


def test_nothing_is_sent_twice_after_kill_9_mid_send(tmp_path):
    inbox = Inbox(hold=2)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    db_path = tmp_path / "live.db"
    engine = Engine(connect(db_path), _demo_office(), SystemClock())
    for n, slot in enumerate(free_slots(engine.db, engine.office, engine.now(), "weiterbewilligung", days=2)[10:13]):
        engine.book_online(service="weiterbewilligung", starts_at=slot.starts_at, staff=slot.staff,
                           name=f"Test{n}", email=f"v{n}@example.org", consent=True)
    # The first sender waits long on the stuck server (timeout 30 s); the restarted one has a lease of 2 s.
    env = server_env(db_path, TERMINPRAXIS_SMTP_HOST="127.0.0.1", TERMINPRAXIS_SMTP_PORT=str(controller.port),
                     TERMINPRAXIS_NOTIFY_TIMEOUT_S="30", TERMINPRAXIS_NOTIFY_INTERVAL_S="0.2")
    cli = [sys.executable, "-c", "from terminpraxis.cli import main; main()", "send-notices"]
    sender = subprocess.Popen(cli, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60  # the CLI's start-up is slow on a loaded machine
        while len(inbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(inbox.messages) == 2  # the second one is in the middle of DATA now
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(10)
        time.sleep(2.2)  # the killed sender's lease (2 × timeout of 1 s below) runs out
        env["TERMINPRAXIS_NOTIFY_TIMEOUT_S"] = "1"
        subprocess.run([*cli, "--once"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
        subprocess.run([*cli, "--once"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    finally:
        if sender.poll() is None:
            sender.kill()
        controller.stop()
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert sorted(m["To"] for m in inbox.messages) == ["v0@example.org", "v1@example.org", "v2@example.org"]
    counts = outbox.counts(engine.db)
    assert (counts["sent"], counts["uncertain"], counts["pending"]) == (2, 1, 0)
    engine.db.close()


def _demo_office():
    import tomllib

    from queue_core import Office

    with DEMO_CONFIG.open("rb") as handle:
        return Office.from_mapping(tomllib.load(handle))


def test_send_notices_once_reports_the_outbox_per_state(tmp_path):
    from click.testing import CliRunner

    from terminpraxis.cli import cli

    env = {"TERMINPRAXIS_DATABASE": str(tmp_path / "cli.db"), "TERMINPRAXIS_CONFIG": str(DEMO_CONFIG)}
    result = CliRunner().invoke(cli, ["send-notices", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "sent 0" in result.output and "outbox: pending 0, sending 0, sent 0" in result.output


def test_a_move_by_the_link_sends_the_new_time_with_a_replacing_ics(notice_app, smtp):
    client = notice_app.test_client()
    booking, slot = book_via_api(client, lang="en", email="h@example.org")
    send(notice_app)
    page = client.get(f"/buchen/termin/{booking['token']}/verlegen").get_data(as_text=True)
    later = re.findall(r'name="slot" value="([^"]+)"', page)[5]
    assert client.post(f"/buchen/termin/{booking['token']}/verlegen", data={"slot": later}).status_code == 302
    assert send(notice_app)["sent"] == 1
    moved, first = smtp.messages[-1], smtp.messages[0]
    assert moved["Subject"].startswith("Your appointment was moved")
    new_start = datetime.fromisoformat(later.split("|")[0].replace("Z", "+00:00"))
    uid = [Calendar.from_ical(m.get_payload()[1].get_content()).walk("VEVENT")[0] for m in (first, moved)]
    assert uid[0]["uid"] == uid[1]["uid"] and uid[1].decoded("dtstart") == new_start


@pytest.mark.parametrize("template,content_type,expected", [
    ('{"to": "$to", "text": "$text"}', "application/json", b'{"to": "+4915", "text": "Termin \\"B\\" \xc3\xa4"}'),
    ("to=$to&msg=$text", "application/x-www-form-urlencoded", b"to=%2B4915&msg=Termin%20%22B%22%20%C3%A4"),
])
def test_the_sms_body_template_escapes_for_its_format(template, content_type, expected):
    from booking_public.transport import sms_body

    assert sms_body(template, "+4915", 'Termin "B" ä') == (expected, content_type)
