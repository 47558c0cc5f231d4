"""Online booking and the outbox: what enqueueing adds to a booking, and notices sent per second.

Bookings with and without a consented contact (the latter writes the contact row and one outbox
row per channel in the same transaction); then the sender's rate against a real SMTP server on
loopback (aiosmtpd, a test dependency), each mail rendered with its .ics and marked sent.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from queue_core import Engine, ManualClock, connect

from .engine import MONDAY_0830, bench_mapping, bench_office

COUNT = 300


def _book(engine: Engine, n: int, contact: bool) -> float:
    start = MONDAY_0830 + timedelta(minutes=30 + 20 * (n // 50))
    began = time.perf_counter()
    if contact:
        engine.book_online(service="termin", starts_at=start, staff=f"sb{n % 50}", name=f"B{n}",
                           email=f"v{n}@example.org", consent=True, max_open=10)
    else:
        engine.book_appointment(service="termin", starts_at=start, staff=f"sb{n % 50}", name=f"B{n}")
    return (time.perf_counter() - began) * 1e6


def send_rate(folder: Path, engine: Engine) -> float:
    from aiosmtpd.controller import Controller

    from terminpraxis import create_app

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = create_app({"DATABASE": str(folder / "contact.db"), "ASYNC_MODE": "threading", "SECRET_KEY": "b",
                          "OFFICE": bench_mapping(staff=50), "CLOCK": engine.clock,
                          "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port})
        from booking_public.sender import run_once

        began = time.perf_counter()
        sent = 0
        while True:
            done = run_once(app, "bench")["sent"]
            if not done:
                break
            sent += done
        return sent / (time.perf_counter() - began)
    finally:
        controller.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        rows = []
        for contact in (False, True):
            engine = Engine(connect(folder / f"{'contact' if contact else 'plain'}.db"), bench_office(staff=50),
                            ManualClock(MONDAY_0830))
            times = [_book(engine, n, contact) for n in range(COUNT)]
            rows.append(("online booking + confirmation queued" if contact else "phone booking (no contact)",
                         statistics.median(times), sorted(times)[int(0.9 * len(times))]))
            if not contact:
                engine.db.close()
        rate = send_rate(folder, engine)
        engine.db.close()
    print(f"{'booking (synchronous=FULL)':<40}{'p50 µs':>10}{'p90 µs':>10}")
    for label, p50, p90 in rows:
        print(f"{label:<40}{p50:>10.0f}{p90:>10.0f}")
    print(f"\nmails sent to a loopback SMTP server (rendered, .ics, marked sent): {rate:.0f} per second ({COUNT} mails)")


if __name__ == "__main__":
    main()
