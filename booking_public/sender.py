"""The one sender of the outbox: reminders due, then each pending notice, one at a time.

Runs as a background task of the main server (run_kiosk.py) or as ``terminpraxis send-notices``;
requests only enqueue. Each tick: enqueue the reminders now within ``REMINDER_LEAD_HOURS``, then
claim, send and mark rows until none is due. A failure backs off (``NOTIFY_BACKOFF_S``, doubling)
up to ``NOTIFY_ATTEMPTS``; a row left ``sending`` by a killed sender is never sent again
(queue_core.outbox). Only ``socketio.start_background_task`` / ``socketio.sleep`` are used.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, g

from queue_core import outbox
from web.config import Settings, settings
from web.engine import open_engine
from web.extensions import socketio
from web.housekeeping import worker_name

from . import notify
from .transport import SendFailed, SendUncertain, send_email, send_sms

BATCH = 50


def _retry(config: Settings) -> outbox.Retry:
    return outbox.Retry(attempts=config.notify_attempts, backoff=timedelta(seconds=config.notify_backoff_s))


def run_once(app: Flask, who: str | None = None) -> dict[str, int]:
    """One tick; returns how many reminders were queued and notices sent or failed."""
    who = who or worker_name(app)
    config = settings(app)
    done = {"reminders": 0, "sent": 0, "failed": 0}
    base_url = config.kiosk_public_url or "http://localhost:5000/"
    # Links in notices are absolute: url_for needs a request's host, so the tick runs inside one
    # made for the public address (KIOSK_PUBLIC_URL), the same links a visitor's request would get.
    with app.test_request_context("/", base_url=base_url):
        engine = g.engine = open_engine(app)
        lease = timedelta(seconds=config.notify_timeout_s * 2)
        done["reminders"] = outbox.queue_reminders(
            engine.db, engine.now(), timedelta(hours=config.reminder_lead_hours))
        for _ in range(BATCH):
            row = outbox.claim(engine.db, engine.now(), who, lease)
            if row is None:
                break
            try:
                if row["channel"] == "email":
                    send_email(config, notify.email_message(row))
                else:
                    send_sms(config, *notify.sms_text(row), key=f"terminpraxis-outbox-{row['id']}")
            except SendUncertain as unsure:
                outbox.mark_uncertain(engine.db, row["id"], unsure.kind)
                done["failed"] += 1
                continue
            except SendFailed as failure:
                outbox.mark_failed(engine.db, row["id"], engine.now(), failure.kind, _retry(config))
                done["failed"] += 1
                continue
            outbox.mark_sent(engine.db, row["id"], engine.now())
            done["sent"] += 1
    return done


def _loop(app: Flask) -> None:
    who = worker_name(app)
    state = app.extensions["notify_sender"]
    while not state.get("stop"):
        try:
            run_once(app, who)
        except Exception:  # a bad tick (database locked, a template error) must not end sending
            app.logger.exception("sending notices failed; trying again")
        socketio.sleep(settings(app).notify_interval_s)


def start(app: Flask) -> bool:
    """Start sending in the background (once per app; only when a channel is configured)."""
    state = app.extensions.setdefault("notify_sender", {})
    if state.get("started") or not (settings(app).smtp_host or settings(app).sms_url):
        return False
    state.update(started=True, stop=False)
    socketio.start_background_task(_loop, app)
    return True
