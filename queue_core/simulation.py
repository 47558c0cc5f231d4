"""Whole office days on the real engine with a virtual clock: the capacity planner and soak test.

The office is the real one (its hours, services, caseworkers and letters). Its caseworkers' slots
are booked to a given share the evening before; appointment visitors come around their time (some
early, some late, some never); walk-ins arrive as a Poisson stream at a given rate per hour; visits
last a random time (log-normal or exponential around the service's minutes). Caseworkers call
whenever they are free and the policy decides; when it says nobody, it also says when to ask again.
Every walk-in's estimate at the kiosk is kept beside the wait it really had.
"""
from __future__ import annotations

import heapq
import math
import random
import string
import tempfile
import time as wallclock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .clock import ManualClock
from .engine import Engine
from .errors import IntakeClosed, QueueError
from .estimate import shown_range
from .office import Office
from .policy import when_to_ask_again
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


def simulated_office(staff: int, **overrides) -> Office:
    """The planner's standard office: Mon–Fri 08–16, four services, ``staff`` caseworkers."""
    return Office.from_mapping({
        "name": "Simulation", "location": "sim", "holidays": "DE-SH",
        "hours": {d: ["08:00-16:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
        "services": SIM_SERVICES,
        "desks": [{"key": f"D{i:02d}", "room": f"Zimmer {200 + i}"} for i in range(1, staff + 1)],
        "staff": [{"username": f"sb{i:02d}", "name": f"Sachbearbeitung {i}"} for i in range(1, staff + 1)],
        **overrides,
    })


def walk_in_office(staff: int, minutes: int) -> Office:
    """A pure walk-in office open round the clock (M/M/c checks): one service, no cutoff."""
    return Office.from_mapping({
        "name": "M/M/c", "location": "mmc", "holidays": "",
        "hours": {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "walk_in_cutoff_min": 0,
        "services": [{"key": "notfall", "name": "Notfall", "prefix": "W", "minutes": minutes}],
        "desks": [{"key": f"D{i:02d}", "room": f"Zimmer {200 + i}"} for i in range(1, staff + 1)],
        "staff": [{"username": f"sb{i:02d}", "name": f"SB {i}"} for i in range(1, staff + 1)],
    })


@dataclass(frozen=True)
class Scenario:
    """What the planner varies: demand, how visits vary, how visitors behave, and the seed."""

    walk_ins_per_hour: float = 9.0
    appointment_share: float = 0.5  # of each caseworker's slots
    slot_min: int = 30
    service_times: str = "lognormal"  # or "exponential"
    cv: float = 0.5  # spread of log-normal visits (exponential: always 1)
    no_show: float = 0.06
    lateness_mean: float = -8.0  # minutes after the start; negative = early
    lateness_sd: float = 6.0
    seed: int = 1
    days: int = 1
    warmup_days: int = 0  # run (and learn) first, measure afterwards
    appointment_mix: tuple[str, ...] | None = None  # None: the caseworker's services
    walk_in_mix: tuple[str, ...] | None = None  # None: every walk-in service


@dataclass(frozen=True)
class WalkInRecord:
    arrived: datetime
    wait: float
    told: int
    low: int
    high: int


@dataclass
class Report:
    days: int
    staff: int
    appointment_waits: list[float] = field(default_factory=list)
    walk_in_waits: list[float] = field(default_factory=list)
    appointment_delays: list[float] = field(default_factory=list)  # call − max(start, check-in)
    walk_ins: list[WalkInRecord] = field(default_factory=list)
    served: int = 0
    no_shows: int = 0
    late_as_walk_in: int = 0
    refused_walk_ins: int = 0
    idle_minutes: float = 0.0
    open_minutes: float = 0.0
    seconds: float = 0.0
    database: str | None = None


def simulate(office: Office, scenario: Scenario, database: str | None = None) -> Report:
    """Run ``warmup_days`` + ``days`` office days; the database is temporary unless a path is given."""
    began = wallclock.perf_counter()
    if len(office.desks) < len(office.staff):
        raise QueueError("the simulation needs a desk for every caseworker")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(database) if database else Path(folder) / "simulation.db"
        db = connect(path, synchronous="OFF")  # durability buys nothing here; the logic is the same
        clock = ManualClock(local_instant(office, FIRST_DAY, time(0, 0)))
        engine = Engine(db, office, clock)
        rng = random.Random(scenario.seed)
        report = Report(days=scenario.days, staff=len(office.staff), database=str(path) if database else None)
        day = FIRST_DAY
        for n in range(scenario.warmup_days + scenario.days):
            while not openings(office, day):
                day += timedelta(days=1)
            measured = report if n >= scenario.warmup_days else Report(days=0, staff=0)
            _Day(engine, clock, rng, measured, day, scenario).run()
            day += timedelta(days=1)
        db.close()
    report.seconds = wallclock.perf_counter() - began
    return report


def run_day(*, staff: int = 5, appointments: int = 40, walk_ins: int = 60, seed: int = 1, days: int = 1,
            database: str | None = None) -> Report:
    """The standard office with about ``appointments`` booked and ``walk_ins`` arriving per day."""
    office = simulated_office(staff)
    slots = staff * 8 * 60 // 30
    scenario = Scenario(walk_ins_per_hour=walk_ins / 7.5, appointment_share=min(1.0, appointments / slots),
                        seed=seed, days=days, appointment_mix=tuple(APPOINTMENT_MIX),
                        walk_in_mix=tuple(WALK_IN_MIX))
    return simulate(office, scenario, database)


class _Day:
    def __init__(self, engine: Engine, clock: ManualClock, rng: random.Random, report: Report, day: date,
                 scenario: Scenario):
        self.engine, self.clock, self.rng, self.report, self.day = engine, clock, rng, report, day
        self.scenario = scenario
        self.office = engine.office
        self.queue: list[tuple[datetime, int, str, object]] = []
        self.counter = 0
        self.free_since: dict[str, datetime | None] = {}
        self.busy: set[str] = set()
        self.told: dict[int, tuple[int, int, int]] = {}
        self.desk_of = dict(zip(self.office.staff, self.office.desks))
        self.hours = openings(self.office, day)
        self._book()
        self._walk_ins()

    def at(self, when: datetime, kind: str, payload: object = None) -> None:
        self.counter += 1
        heapq.heappush(self.queue, (when, self.counter, kind, payload))

    def _book(self) -> None:
        """Book the given share of every caseworker's slots the evening before."""
        s, office = self.scenario, self.office
        self.clock.set(self.hours[0].start - timedelta(hours=14))
        for caseworker in office.staff.values():
            mix = [k for k in (s.appointment_mix or caseworker.services) if k in caseworker.services]
            for opening in self.hours:
                start = opening.start
                while start + timedelta(minutes=s.slot_min) <= opening.end:
                    if mix and self.rng.random() < s.appointment_share:
                        self._book_one(caseworker.username, self.rng.choice(mix), start)
                    start += timedelta(minutes=s.slot_min)

    def _book_one(self, staff: str, service: str, start: datetime) -> None:
        s = self.scenario
        try:
            appointment = self.engine.book_appointment(service=service, starts_at=start, staff=staff,
                                                       duration_min=min(s.slot_min, self.office.service(service).minutes))
        except QueueError:
            return
        if self.rng.random() < s.no_show:
            self.report.no_shows += 1
            return
        arrival = start + timedelta(minutes=self.rng.gauss(s.lateness_mean, s.lateness_sd))
        earliest = start - timedelta(minutes=self.office.checkin_earliest_min - 1)
        self.at(max(arrival, earliest), "check_in", appointment.code)

    def _walk_ins(self) -> None:
        """A Poisson stream during the opening hours (refusals after the cutoff are counted)."""
        s = self.scenario
        services = list(s.walk_in_mix or [k for k, v in self.office.services.items() if v.walk_in])
        if s.walk_ins_per_hour <= 0 or not services:
            return
        letters = self.office.uses_letters()
        for opening in self.hours:
            t = opening.start
            while True:
                t += timedelta(hours=self.rng.expovariate(s.walk_ins_per_hour))
                if t >= opening.end:
                    break
                initial = self.rng.choice(string.ascii_uppercase) if letters else None
                self.at(t, "walk_in", (self.rng.choice(services), initial))

    def run(self) -> None:
        for caseworker in self.office.staff:
            self.at(self.hours[0].start, "free", caseworker)
            self.free_since[caseworker] = None
        while self.queue:
            when, _, kind, payload = heapq.heappop(self.queue)
            self.clock.set(max(when, self.clock.now()))
            getattr(self, "_" + kind)(payload)
        self.clock.set(max(self.clock.now(), self.hours[-1].end))
        self.engine.expire_missed()
        self.report.open_minutes += len(self.office.staff) * sum(
            (o.end - o.start).total_seconds() / 60 for o in self.hours)

    def _check_in(self, code: str) -> None:
        try:
            result = self.engine.check_in(code)
        except QueueError:
            return
        if result.late:
            self.report.late_as_walk_in += 1
            self._remember(result)
        self._wake_idle()

    def _walk_in(self, payload) -> None:
        service, initial = payload
        try:
            result = self.engine.walk_in(service, initial=initial)
        except IntakeClosed:
            self.report.refused_walk_ins += 1
            return
        self._remember(result)
        self._wake_idle()

    def _remember(self, result) -> None:
        if result.ticket.kind == "walk_in":
            low, high = shown_range(result.estimate)
            self.told[result.ticket.id] = (result.estimate.minutes, low, high)

    def _wake_idle(self) -> None:
        for caseworker, since in self.free_since.items():
            if since is not None:
                self._free(caseworker)

    def _is_open(self, now: datetime) -> bool:
        return any(o.start <= now < o.end for o in self.hours)

    def _free(self, caseworker: str) -> None:
        now = self.clock.now()
        if caseworker in self.busy or now >= self.hours[-1].end:
            return
        call = self.engine.call_next(self.desk_of[caseworker], caseworker) if self._is_open(now) else None
        if call is None:
            if self.free_since[caseworker] is None:
                self.free_since[caseworker] = now
            later = [o.start for o in self.hours if o.start > now]
            again = when_to_ask_again(self.engine.db, self.office, self.office.staff[caseworker], now)
            wake = [w for w in (again, later[0] if later else None) if w is not None]
            if wake:
                self.at(min(wake), "free", caseworker)
            return
        since = self.free_since[caseworker]
        if since is not None:
            self.report.idle_minutes += (now - since).total_seconds() / 60
            self.free_since[caseworker] = None
        self._serve(caseworker, call.ticket, now)

    def _serve(self, caseworker: str, ticket, now: datetime) -> None:
        self.busy.add(caseworker)
        wait = (now - ticket.created_at).total_seconds() / 60
        if ticket.kind == "appointment":
            self.report.appointment_waits.append(wait)
            self.report.appointment_delays.append(
                (now - max(ticket.appointment_start, ticket.created_at)).total_seconds() / 60)
        else:
            self.report.walk_in_waits.append(wait)
            if ticket.id in self.told:
                told, low, high = self.told.pop(ticket.id)
                self.report.walk_ins.append(WalkInRecord(ticket.created_at, wait, told, low, high))
        self.engine.start(ticket.id, actor=caseworker)
        self.at(now + timedelta(minutes=self._visit_minutes(ticket.minutes)), "finish", (caseworker, ticket.id))

    def _visit_minutes(self, mean: float) -> float:
        if self.scenario.service_times == "exponential":
            return self.rng.expovariate(1 / mean)
        sigma = math.sqrt(math.log(1 + self.scenario.cv ** 2))
        return self.rng.lognormvariate(math.log(mean) - sigma ** 2 / 2, sigma)

    def _finish(self, payload) -> None:
        caseworker, ticket_id = payload
        self.engine.finish(ticket_id, "done", actor=caseworker)
        self.report.served += 1
        self.busy.discard(caseworker)
        self.free_since[caseworker] = self.clock.now()
        self._free(caseworker)
