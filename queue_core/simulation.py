"""Whole office days on the real engine with a virtual clock: the capacity planner and soak test.

Appointments are booked ahead, their visitors arrive around their time (a few early, a few
late, some never); walk-ins arrive at random through the morning; caseworkers call whenever
they are free and the policy decides. Service takes the service's typical minutes, give or take.
"""
from __future__ import annotations

import heapq
import random
import statistics
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .clock import ManualClock
from .engine import Engine
from .errors import IntakeClosed, QueueError
from .office import Office
from .schedule import local_instant, openings
from .store import connect

SIM_SERVICES = [
    {"key": "erstantrag", "name": "Erstantrag", "prefix": "E", "minutes": 30},
    {"key": "weiterbewilligung", "name": "Weiterbewilligung", "prefix": "B", "minutes": 20},
    {"key": "unterlagen", "name": "Unterlagen abgeben", "prefix": "U", "minutes": 5},
    {"key": "notfall", "name": "Notfall / Vorsprache", "prefix": "W", "minutes": 15},
]
APPOINTMENT_MIX = (["weiterbewilligung"] * 5) + (["erstantrag"] * 3) + ["unterlagen"]
WALK_IN_MIX = (["notfall"] * 5) + (["unterlagen"] * 4) + ["erstantrag"]
FIRST_DAY = date(2026, 11, 23)  # a Monday without holidays


def simulated_office(staff: int) -> Office:
    return Office.from_mapping({
        "name": "Simulation", "location": "sim", "holidays": "DE-SH",
        "hours": {d: ["08:00-16:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
        "services": SIM_SERVICES,
        "desks": [{"key": f"D{i:02d}", "room": f"Zimmer {200 + i}"} for i in range(1, staff + 1)],
        "staff": [{"username": f"sb{i:02d}", "name": f"Sachbearbeitung {i}"} for i in range(1, staff + 1)],
    })


@dataclass
class Report:
    days: int
    staff: int
    appointment_waits: list[float] = field(default_factory=list)
    walk_in_waits: list[float] = field(default_factory=list)
    appointment_delays: list[float] = field(default_factory=list)  # call − max(start, check-in)
    served: int = 0
    no_shows: int = 0
    late_as_walk_in: int = 0
    refused_walk_ins: int = 0
    idle_minutes: float = 0.0
    open_minutes: float = 0.0
    seconds: float = 0.0
    database: str | None = None


def run_day(*, staff: int = 5, appointments: int = 40, walk_ins: int = 60, seed: int = 1, days: int = 1,
            database: str | None = None) -> Report:
    """Simulate ``days`` office days; the database is temporary unless a path is given."""
    import time as wallclock

    began = wallclock.perf_counter()
    office = simulated_office(staff)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(database) if database else Path(folder) / "simulation.db"
        # Durability buys nothing in a simulation; the engine's logic is the same.
        db = connect(path, synchronous="OFF")
        clock = ManualClock(local_instant(office, FIRST_DAY, time(7, 0)))
        engine = Engine(db, office, clock)
        rng = random.Random(seed)
        report = Report(days=days, staff=staff, database=str(path) if database else None)
        day = FIRST_DAY
        for _ in range(days):
            while not openings(office, day):
                day += timedelta(days=1)
            _Day(engine, clock, rng, report, day, appointments, walk_ins).run()
            day += timedelta(days=1)
        db.close()
    report.seconds = wallclock.perf_counter() - began
    return report


class _Day:
    def __init__(self, engine: Engine, clock: ManualClock, rng: random.Random, report: Report, day: date,
                 appointments: int, walk_ins: int):
        self.engine, self.clock, self.rng, self.report, self.day = engine, clock, rng, report, day
        self.office = engine.office
        self.queue: list[tuple[datetime, int, str, object]] = []
        self.counter = 0
        self.free_since: dict[str, datetime | None] = {}
        self.busy: set[str] = set()
        self.opening = openings(self.office, day)[0]
        self._book(appointments)
        self._walk_ins(walk_ins)

    def at(self, when: datetime, kind: str, payload: object = None) -> None:
        self.counter += 1
        heapq.heappush(self.queue, (when, self.counter, kind, payload))

    def _book(self, count: int) -> None:
        """Book the day's appointments the evening before, spread evenly over each caseworker's day."""
        self.clock.set(self.opening.start - timedelta(hours=14))
        caseworkers = list(self.office.staff.values())
        per_worker = -(-count // len(caseworkers)) if count else 0
        day_minutes = (self.opening.end - self.opening.start).total_seconds() / 60
        booked = 0
        for index, caseworker in enumerate(caseworkers):
            for n in range(per_worker):
                if booked == count:
                    break
                service = self.office.service(self.rng.choice(APPOINTMENT_MIX))
                offset = round(day_minutes * (n + 0.25 * (index % 2)) / per_worker / 5) * 5
                start = self.opening.start + timedelta(minutes=offset)
                try:
                    appointment = self.engine.book_appointment(service=service.key, starts_at=start,
                                                               staff=caseworker.username)
                except QueueError:
                    continue
                booked += 1
                if self.rng.random() < 0.06:
                    self.report.no_shows += 1
                    continue
                arrival = start + timedelta(minutes=self.rng.gauss(-8, 6))
                self.at(max(arrival, self.opening.start - timedelta(minutes=30)), "check_in", appointment.code)

    def _walk_ins(self, count: int) -> None:
        last = self.opening.end - timedelta(minutes=self.office.walk_in_cutoff_min + 1)
        span = (last - self.opening.start).total_seconds()
        for n in range(count):
            # Most walk-ins come early in the day, as offices report.
            when = self.opening.start + timedelta(seconds=span * self.rng.random() ** 1.6)
            self.at(when, "walk_in", (self.rng.choice(WALK_IN_MIX), f"sim-{self.day}-{n}"))

    def run(self) -> None:
        for caseworker in self.office.staff:
            self.at(self.opening.start, "free", caseworker)
            self.free_since[caseworker] = None
        while self.queue:
            when, _, kind, payload = heapq.heappop(self.queue)
            self.clock.set(max(when, self.clock.now()))
            getattr(self, "_" + kind)(payload)
        self.clock.set(self.opening.end)
        self.engine.expire_missed()
        self.report.open_minutes += len(self.office.staff) * (self.opening.end - self.opening.start).total_seconds() / 60

    def _check_in(self, code: str) -> None:
        try:
            result = self.engine.check_in(code)
        except QueueError:
            return
        if result.late:
            self.report.late_as_walk_in += 1
        self._wake_idle()

    def _walk_in(self, payload) -> None:
        service, request_id = payload
        try:
            self.engine.walk_in(service, request_id=request_id)
        except IntakeClosed:
            self.report.refused_walk_ins += 1
            return
        self._wake_idle()

    def _wake_idle(self) -> None:
        for caseworker, since in self.free_since.items():
            if since is not None:
                self._free(caseworker)

    def _free(self, caseworker: str) -> None:
        now = self.clock.now()
        if now >= self.opening.end or caseworker in self.busy:
            return
        call = self.engine.call_next(f"D{caseworker[2:]}", caseworker)
        if call is None:
            if self.free_since[caseworker] is None:
                self.free_since[caseworker] = now
            nxt = self._next_due(caseworker, now)
            if nxt:
                self.at(nxt, "free", caseworker)
            return
        since = self.free_since[caseworker]
        if since is not None:
            self.report.idle_minutes += (now - since).total_seconds() / 60
            self.free_since[caseworker] = None
        ticket = call.ticket
        self.busy.add(caseworker)
        wait = (now - ticket.created_at).total_seconds() / 60
        if ticket.kind == "appointment":
            self.report.appointment_waits.append(wait)
            self.report.appointment_delays.append(
                (now - max(ticket.appointment_start, ticket.created_at)).total_seconds() / 60)
        else:
            self.report.walk_in_waits.append(wait)
        self.engine.start(ticket.id, actor=caseworker)
        minutes = ticket.minutes * self.rng.uniform(0.6, 1.4)
        self.at(now + timedelta(minutes=minutes), "finish", (caseworker, ticket.id))

    def _finish(self, payload) -> None:
        caseworker, ticket_id = payload
        self.engine.finish(ticket_id, "done", actor=caseworker)
        self.report.served += 1
        self.busy.discard(caseworker)
        self.free_since[caseworker] = self.clock.now()
        self._free(caseworker)

    def _next_due(self, caseworker: str, now: datetime) -> datetime | None:
        """When this idle caseworker's next appointment becomes due (the policy may then call it)."""
        row = self.engine.db.execute(
            "SELECT MIN(starts_at) FROM appointments WHERE staff = ? AND state IN ('booked', 'checked_in')"
            " AND starts_at > ?", (caseworker, now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))).fetchone()[0]
        if row is None:
            return None
        from .clock import from_db
        due = from_db(row) - timedelta(minutes=self.office.early_window_min)
        return max(due, now + timedelta(minutes=1))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def format_report(report: Report) -> str:
    def row(label: str, values: list[float]) -> str:
        if not values:
            return f"{label:<28}{'–':>8}{'–':>8}{'–':>8}{0:>8}"
        return (f"{label:<28}{statistics.median(values):>8.1f}{percentile(values, 0.9):>8.1f}"
                f"{max(values):>8.1f}{len(values):>8}")

    punctual = [d for d in report.appointment_delays if d <= 5]
    share = 100 * len(punctual) / len(report.appointment_delays) if report.appointment_delays else 0
    idle = 100 * report.idle_minutes / report.open_minutes if report.open_minutes else 0
    lines = [
        f"Simulated {report.days} office day(s), {report.staff} caseworkers, in {report.seconds:.2f} s",
        f"{'wait from check-in (min)':<28}{'p50':>8}{'p90':>8}{'max':>8}{'n':>8}",
        row("  with appointment", report.appointment_waits),
        row("  without appointment", report.walk_in_waits),
        row("  appointment delay", report.appointment_delays),
        f"Appointments called within 5 min of their time: {share:.0f} %",
        f"Served {report.served}; appointments not kept {report.no_shows}; late arrivals served as walk-ins"
        f" {report.late_as_walk_in}; walk-ins turned away {report.refused_walk_ins}",
        f"Caseworkers idle {report.idle_minutes:.0f} of {report.open_minutes:.0f} open minutes ({idle:.0f} %)",
    ]
    if report.database:
        lines.append(f"Events and tickets kept in {report.database}")
    return "\n".join(lines)
