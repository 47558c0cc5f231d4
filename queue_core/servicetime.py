"""How long visits really take, and how punctually appointment visitors come: learned from the office.

Each service starts from its configured minutes (a log-normal prior with that mean and a spread of
CV 0.5, worth PRIOR_VISITS visits) and blends into the recent real visits as they finish. A
caseworker gets their own model once they have CASEWORKER_MIN_VISITS visits of a service; it
starts from the service's model. Quantiles are read off the blend, so a few odd visits move them
little, and visits that cannot be real (shorter than half a minute, longer than the cap, or
across midnight: a ticket left "serving" overnight) are never recorded at all.

The samples live in ``visit_history`` (one row per group, the last RECENT values) and are updated
inside the command that finishes a visit, checks a visitor in or marks an appointment missed.
Reading the model is one small query, cached by the table's version.
"""
from __future__ import annotations

import bisect
import json
import math
import threading
from dataclasses import dataclass
from datetime import datetime
from statistics import NormalDist

from sqlite_utils import Database

from .clock import to_db
from .office import Office
from .schedule import local_day

PRIOR_VISITS = 20
PRIOR_CV = 0.5
CASEWORKER_MIN_VISITS = 30
RECENT = 300
SHORTEST_VISIT_MIN = 0.5
LONGEST_VISIT_MIN = 120  # or five times the configured minutes, whichever is longer
# Appointment visitors before anything is known: about 5 min early, give or take 8; 5 % never come.
PRIOR_LATENESS = NormalDist(-5, 8)
PRIOR_NO_SHOW = 0.05
PRIOR_APPOINTMENTS = 20
_GRID = [i / 100 for i in range(1, 100)]
ARRIVALS = "arrival"


class Distribution:
    """Minutes as a blend of a prior and recent samples; read through a precomputed quantile table."""

    def __init__(self, prior_cdf, prior_quantiles: list[float], samples: list[float], prior_weight: float):
        self.samples = sorted(samples)
        self.count = len(samples)
        self._prior_cdf = prior_cdf
        self._weight = self.count / (self.count + prior_weight) if self.count else 0.0
        self.table = self._table(prior_quantiles)

    def exact_cdf(self, x: float) -> float:
        data = bisect.bisect_right(self.samples, x) / self.count if self.count else 0.0
        return (1 - self._weight) * self._prior_cdf(x) + self._weight * data

    def cdf(self, x: float) -> float:
        """The share of visits done within ``x`` minutes, read off the quantile table (fast)."""
        table = self.table
        i = bisect.bisect_left(table, x)
        if i == 0:
            return 0.01 * x / table[0] if table[0] > 0 and x > 0 else 0.0
        if i == len(table):
            return 1.0 if x >= 2 * table[-1] else 0.99 + 0.01 * (x - table[-1]) / max(table[-1], 1e-9)
        low, high = table[i - 1], table[i]
        return (i + (x - low) / (high - low)) / 100 if high > low else i / 100

    def quantile(self, p: float) -> float:
        """The value below which a share ``p`` of visits lie (linear between 1 % steps)."""
        p = min(0.99, max(0.01, p))
        i = p * 100 - 1
        low = int(i)
        high = min(low + 1, len(self.table) - 1)
        return self.table[low] + (self.table[high] - self.table[low]) * (i - low)

    def sample(self, u: float) -> float:
        return self.quantile(u)

    def _table(self, prior_quantiles: list[float]) -> list[float]:
        if not self.count:
            return list(prior_quantiles)
        # The blend's quantiles lie among the prior's quantiles and the samples: sweep those points
        # once in order and interpolate, instead of inverting the mixture for every step.
        points = sorted({*prior_quantiles, *self.samples})
        shares = [self.exact_cdf(x) for x in points]
        table, j = [], 0
        for p in _GRID:
            while j < len(points) - 1 and shares[j] < p:
                j += 1
            if j == 0 or shares[j] == shares[j - 1]:
                table.append(points[j])
            else:
                f = (p - shares[j - 1]) / (shares[j] - shares[j - 1])
                table.append(points[j - 1] + f * (points[j] - points[j - 1]))
        return table

    @property
    def mean(self) -> float:
        return sum(self.table) / len(self.table)


def lognormal(mean: float, cv: float = PRIOR_CV) -> Distribution:
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(mean) - sigma * sigma / 2
    normal = NormalDist(mu, sigma)
    return Distribution(lambda x: normal.cdf(math.log(x)) if x > 0 else 0.0,
                        [math.exp(normal.inv_cdf(p)) for p in _GRID], [], 1)


def blended(prior: Distribution, samples: list[float], weight: float) -> Distribution:
    return Distribution(prior.exact_cdf, prior.table, samples, weight)


@dataclass(frozen=True)
class ServiceTimes:
    """One service's learned minutes, as the office lead reads them on the report page."""

    service: str
    name: str
    configured: int
    visits: int
    typical: float
    p80: float
    p90: float


class Model:
    """Service-time distributions per service (and caseworker), and the appointment visitors' arrivals."""

    def __init__(self, office: Office, groups: dict[str, tuple[int, list[float], int]]):
        self.office = office
        self.visits: dict[str, int] = {}
        self._service: dict[str, Distribution] = {}
        self._personal: dict[tuple[str, str], Distribution | None] = {}
        for key, service in office.services.items():
            visits, samples, _ = groups.get(f"service/{key}", (0, [], 0))
            self.visits[key] = visits
            self._service[key] = blended(lognormal(service.minutes), samples, PRIOR_VISITS)
        self._groups = groups
        shows, lateness, missed = groups.get(ARRIVALS, (0, [], 0))
        self.no_show_rate = (missed + PRIOR_NO_SHOW * PRIOR_APPOINTMENTS) / (shows + missed + PRIOR_APPOINTMENTS)
        self.lateness = Distribution(PRIOR_LATENESS.cdf, [PRIOR_LATENESS.inv_cdf(p) for p in _GRID],
                                     lateness, PRIOR_APPOINTMENTS)
        self.late_points = self.lateness.table[1::3]  # 33 evenly spaced shares of lateness
        self.memo: dict[tuple, float] = {}  # the policy's chances, asked again and again by the estimate

    def duration(self, service: str, caseworker: str | None = None) -> Distribution:
        """Minutes a visit of this service takes (with this caseworker, where their history suffices)."""
        if caseworker:
            if (service, caseworker) not in self._personal:
                visits, samples, _ = self._groups.get(f"service/{service}/{caseworker}", (0, [], 0))
                self._personal[(service, caseworker)] = (
                    blended(self.duration(service), samples, CASEWORKER_MIN_VISITS)
                    if visits >= CASEWORKER_MIN_VISITS else None)
            found = self._personal[(service, caseworker)]
            if found is not None:
                return found
        if service not in self._service:  # a service removed in /admin while its ticket still waits
            self._service[service] = lognormal(15)
        return self._service[service]

    def summary(self) -> list[ServiceTimes]:
        return [ServiceTimes(key, s.name, s.minutes, self.visits[key], self._service[key].quantile(0.5),
                             self._service[key].quantile(0.8), self._service[key].quantile(0.9))
                for key, s in self.office.services.items()]


_cache: dict[tuple, Model] = {}
_lock = threading.Lock()


def model(db: Database, office: Office) -> Model:
    """The office's model as of now (cached until a visit, check-in or missed appointment changes it)."""
    version = db.execute("SELECT COALESCE(MAX(version), 0), COUNT(*) FROM visit_history").fetchone()
    path = db.execute("PRAGMA database_list").fetchone()[2]
    key = (path, tuple(version), id(office))
    found = _cache.get(key)
    if found is None:
        groups = {name: (visits, json.loads(recent), extra) for name, visits, recent, extra in
                  db.execute("SELECT name, visits, recent, extra FROM visit_history").fetchall()}
        found = Model(office, groups)
        with _lock:
            if len(_cache) > 32:
                _cache.clear()
            _cache[key] = found
    return found


def _plausible(minutes: float, configured: int) -> bool:
    return SHORTEST_VISIT_MIN <= minutes <= max(LONGEST_VISIT_MIN, 5 * configured)


def plausible_visit(office: Office, service: str, start: datetime, end: datetime) -> float | None:
    """A visit's minutes, or None when they cannot be real (zero, endless, across midnight)."""
    minutes = (end - start).total_seconds() / 60
    configured = office.services[service].minutes if service in office.services else 15
    if not _plausible(minutes, configured) or local_day(office, start) != local_day(office, end):
        return None
    return minutes


def _add(db: Database, name: str, value: float | None, now: datetime, *, missed: int = 0) -> None:
    row = db.execute("SELECT visits, recent, extra FROM visit_history WHERE name = ?", (name,)).fetchone()
    visits, recent, extra = (row[0], json.loads(row[1]), row[2]) if row else (0, [], 0)
    if value is not None:
        visits += 1
        recent = (recent + [round(value, 2)])[-RECENT:]
    db.execute(
        "INSERT INTO visit_history (name, visits, recent, extra, updated_at, version) VALUES"
        " (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(version), 0) + 1 FROM visit_history))"
        " ON CONFLICT (name) DO UPDATE SET visits = excluded.visits, recent = excluded.recent,"
        " extra = excluded.extra, updated_at = excluded.updated_at, version = excluded.version",
        (name, visits, json.dumps(recent), extra + missed, to_db(now)))


def record_visit(db: Database, office: Office, service: str, caseworker: str | None,
                 start: datetime | None, end: datetime) -> None:
    """Learn from a finished visit (inside the finishing command's transaction)."""
    minutes = plausible_visit(office, service, start, end) if start else None
    if minutes is None:
        return
    _add(db, f"service/{service}", minutes, end)
    if caseworker:
        _add(db, f"service/{service}/{caseworker}", minutes, end)


def record_arrival(db: Database, starts_at: datetime, checked_in: datetime) -> None:
    """Learn how early or late an appointment visitor checked in (minutes after the start)."""
    _add(db, ARRIVALS, (checked_in - starts_at).total_seconds() / 60, checked_in)


def record_missed(db: Database, now: datetime) -> None:
    """Learn that an appointment was not kept."""
    _add(db, ARRIVALS, None, now, missed=1)


def backfill(db: Database) -> None:
    """Fill the history from finished visits and kept or missed appointments already in the store."""
    from .clock import from_db

    now = datetime.now().astimezone()
    groups: dict[str, list[float]] = {}
    for service, staff, configured, start, end in db.execute(
            "SELECT service, called_by, minutes, COALESCE(started_at, called_at), finished_at FROM tickets"
            " WHERE state = 'done' AND finished_at IS NOT NULL ORDER BY finished_at").fetchall():
        if start is None:
            continue
        minutes = (from_db(end) - from_db(start)).total_seconds() / 60
        if _plausible(minutes, configured):
            groups.setdefault(f"service/{service}", []).append(minutes)
            if staff:
                groups.setdefault(f"service/{service}/{staff}", []).append(minutes)
    for name, values in groups.items():
        db.execute("INSERT INTO visit_history (name, visits, recent, extra, updated_at, version)"
                   " VALUES (?, ?, ?, 0, ?, 1)", (name, len(values), json.dumps(values[-RECENT:]), to_db(now)))
    lateness = [(from_db(c) - from_db(s)).total_seconds() / 60 for s, c in db.execute(
        "SELECT starts_at, checked_in_at FROM appointments WHERE checked_in_at IS NOT NULL"
        " ORDER BY checked_in_at").fetchall()]
    missed = db.execute("SELECT COUNT(*) FROM appointments WHERE state = 'missed'").fetchone()[0]
    if lateness or missed:
        db.execute("INSERT INTO visit_history (name, visits, recent, extra, updated_at, version)"
                   " VALUES (?, ?, ?, ?, ?, 1)",
                   (ARRIVALS, len(lateness), json.dumps(lateness[-RECENT:]), missed, to_db(now)))
