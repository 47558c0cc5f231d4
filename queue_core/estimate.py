"""Honest wait estimates for walk-ins, and whether today still has room for one more.

The rest of today is played forward a few dozen times with the policy itself deciding: every
caseworker, when free, asks ``policy.decide`` about the line as it would be then. Visit lengths,
how late booked visitors come and whether they come at all are drawn from the learned model
(queue_core.servicetime); a visit under way lasts as long as visits that already took this long
usually do. The mean of these futures is the estimate; the range runs from the shortest to the
longest of them.

Every draw is a fixed function of (future, ticket), so the same situation gives the same figure on
every surface, and a new walk-in is told what its ticket will show a moment later.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlite_utils import Database

from . import events, policy
from .clock import from_db
from .absences import absent_blocks
from .distribution import union
from .models import Estimate
from .office import Office
from .policy import Appointment, Line, WalkIn
from .schedule import local_day, local_instant, openings
from .servicetime import Model, model as learned_model

# A new wait falls between the shortest and the longest of n equally likely futures with chance
# (n − 1)/(n + 1): 20 futures give 90.5 %, the calibration the issue asks for.
FUTURES = 20
NEW = -1  # the id of the walk-in asking before it has a ticket
_MASK = (1 << 64) - 1


def _uniform(*keys: int) -> float:
    """A fixed pseudo-random number in (0, 1) for these keys (splitmix64 of their hash)."""
    x = hash(keys) & _MASK
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return ((x ^ (x >> 31)) + 0.5) / 2 ** 64


def _closed_blocks(office: Office, now: datetime) -> tuple[list[tuple[datetime, datetime]], datetime]:
    """Today's closed spans from now on (lunch breaks, after closing) and the day's last closing."""
    day = local_day(office, now)
    day_end = local_instant(office, day, time.max)
    blocks, t = [], local_instant(office, day, time(0, 0))
    for opening in openings(office, day):
        blocks.append((t, opening.start))
        t = opening.end
    blocks.append((t, day_end + timedelta(days=365)))
    return [b for b in blocks if b[1] > now], t


@dataclass
class _Today:
    office: Office
    model: Model
    line: Line
    now: datetime
    busy: dict[str, tuple[str, datetime]]  # caseworker → (service, since) of the visit under way
    closed: list[tuple[datetime, datetime]]
    last_close: datetime
    # caseworker → their absences from now on (queue_core.absences): no walk-in is promised that time
    absent: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def _future(today: _Today, k: int, until: int | None) -> dict[int, datetime]:
    """One possible rest of today: when each walk-in is called, up to the one with id ``until``
    (None: all). Walk-ins not in it are not called today. The calls never depend on ``until``."""
    office, model, now = today.office, today.model, today.now
    line = Line(list(today.line.walk_ins), list(today.line.waiting), [])
    arrivals: list[tuple[datetime, Appointment]] = []
    lateness = model.lateness
    for i, booked in enumerate(sorted(today.line.booked, key=lambda a: (a.start, a.staff or ""))):
        elapsed = _minutes(now, booked.start)
        absent = 1 - lateness.cdf(elapsed)  # of those who come, the share not here yet
        no_show = model.no_show_rate / (model.no_show_rate + (1 - model.no_show_rate) * absent)
        if _uniform(k, 1, i) < no_show:
            continue
        late = lateness.sample(1 - absent + _uniform(k, 2, i) * absent)
        if late > office.late_tolerance_min:
            continue  # so late they join the walk-ins, behind the target
        arrivals.append((max(now, booked.start + timedelta(minutes=late)), booked))
        line.booked.append(booked)
    arrivals.sort(key=lambda pair: pair[0])
    free_at: dict[str, datetime] = {}
    # Closed hours and absences as one list per caseworker, so a free caseworker skips them in one jump.
    blocked = {username: union(today.closed + today.absent.get(username, [])) for username in office.staff}
    for index, username in enumerate(office.staff):
        free_at[username] = now
        if username in today.busy:
            service, since = today.busy[username]
            duration = model.duration(service, username)
            spent = _minutes(now, since)
            share = duration.cdf(spent)
            total = duration.sample(share + _uniform(k, 3, index) * (1 - share))
            free_at[username] = max(now + timedelta(minutes=0.5), since + timedelta(minutes=total))
    synthetic = -2
    called: dict[int, datetime] = {}
    while free_at and line.walk_ins:
        username = min(free_at, key=lambda u: (free_at[u], u))
        t = free_at[username]
        if t >= today.last_close:
            break
        block = next((b for b in blocked[username] if b[0] <= t < b[1]), None)
        if block is not None:
            free_at[username] = block[1]
            continue
        while arrivals and arrivals[0][0] <= t:
            when, booked = arrivals.pop(0)
            line.arrive(booked, synthetic, when)
            synthetic -= 1
        caseworker = office.staff[username]
        choice = policy.decide(office, model, line, caseworker, t)
        if choice is None:
            wake = [w for w in (policy.recheck_at(office, line, caseworker, t),
                                arrivals[0][0] if arrivals else None) if w is not None]
            if not wake:
                del free_at[username]
            else:
                free_at[username] = max(min(wake), t + timedelta(minutes=1))
            continue
        ticket, _reason = choice
        if ticket > 0 or ticket == NEW:
            called[ticket] = t
            if ticket == until:
                break
        service = line.take(ticket)
        minutes = model.duration(service, username).sample(_uniform(k, 4, ticket))
        free_at[username] = t + timedelta(minutes=minutes)
    return called


def _busy(db: Database, office: Office) -> dict[str, tuple[str, datetime]]:
    found = {}
    for staff, service, since in db.execute(
            "SELECT called_by, service, COALESCE(started_at, called_at) FROM tickets"
            " WHERE state IN ('called', 'serving') AND location = ? ORDER BY called_at",
            (office.location,)).fetchall():
        if staff in office.staff:
            found[staff] = (service, from_db(since))
    return found


def _today(db: Database, office: Office, now: datetime, line: Line) -> _Today:
    closed, last_close = _closed_blocks(office, now)
    absent = {username: blocks for username in office.staff if (blocks := absent_blocks(db, username, now))}
    return _Today(office, learned_model(db, office), line, now, _busy(db, office), closed, last_close, absent)


def _position(office: Office, walk_ins: list[WalkIn], index: int) -> int:
    """1 + the walk-ins ahead that a caseworker able to serve this one could take first."""
    target = walk_ins[index]
    caseworkers = office.caseworkers_for(target.service, target.initial)
    return 1 + sum(1 for w in walk_ins[:index] if any(policy.takes_walk_in(c, w) for c in caseworkers))


def _summary(today: _Today, futures: list[dict[int, datetime]], target: WalkIn,
             position: int) -> tuple[Estimate, bool]:
    """The target's estimate from the futures: its place, the mean wait, the range of all."""
    now = today.now
    typical = today.model.duration(target.service).quantile(0.5)
    calls = [future.get(target.id) for future in futures]
    waits = [_minutes(c, now) if c else math.inf for c in calls]
    in_time = sum(1 for c in calls if c and c + timedelta(minutes=typical) <= today.last_close)
    finite = [w for w in waits if w != math.inf] or [_minutes(today.last_close, now)]
    # The mean, not the median: waits are skewed (many short, a few long), and a median would
    # tell walk-ins too little on average.
    middle = sum(min(w, max(finite)) for w in waits) / len(waits)
    low, high = min(waits), min(max(waits), max(finite))
    minutes = max(1, round(middle)) if middle > 0.25 else 0
    estimate = Estimate(position=position, minutes=minutes, low=math.floor(min(low, middle)),
                        high=max(minutes, math.ceil(high)))
    return estimate, in_time * 2 >= len(calls)


def _work(today: _Today, walk_ins: list[WalkIn]) -> float:
    return sum(today.model.duration(w.service).mean for w in walk_ins)


def _behind(today: _Today, base: Estimate, target: WalkIn, work: float) -> tuple[Estimate, bool]:
    """A walk-in behind the first LONG_LINE: the last of those one's estimate, plus the typical
    work between them shared by the caseworkers who could serve it (the line moves at the
    office's pace; playing hours of line forward visit by visit would cost too much). ``work`` is
    the typical minutes of the walk-ins from that last one up to this one; the place is the index."""
    capacity = max(1, len(today.office.caseworkers_for(target.service, target.initial)))
    extra = work / capacity
    estimate = Estimate(position=base.position, minutes=base.minutes + round(extra),
                        low=(base.low or 0) + math.floor(extra), high=(base.high or 0) + math.ceil(extra))
    typical = today.model.duration(target.service).quantile(0.5)
    return estimate, today.now + timedelta(minutes=estimate.minutes + typical) <= today.last_close


LONG_LINE = 60  # walk-ins played forward visit by visit; behind them the line moves at the office's pace


def _head(line: Line) -> Line:
    return Line(line.walk_ins[:LONG_LINE], list(line.waiting), list(line.booked))


def walk_in_outlook(db: Database, office: Office, now: datetime, service: str, initial: str | None,
                    ticket_id: int | None = None) -> tuple[Estimate, bool]:
    """Estimate for a walk-in (an existing waiting ticket, or a new one when ``ticket_id`` is None),
    and whether it can still be served before today's closing."""
    if not office.caseworkers_for(service, initial):
        return Estimate(position=1, minutes=0), False
    line = policy.load_line(db, office, now)
    if ticket_id is None:
        target = WalkIn(NEW, service, None, initial, now)
        line.walk_ins.append(target)
    else:
        found = [w for w in line.walk_ins if w.id == ticket_id]
        if not found:
            return Estimate(position=0, minutes=0), True
        target = found[0]
        if db.conn.in_transaction is False:  # a status read: one shared set of futures serves every ticket
            shared = waiting_outlook(db, office, now)
            if ticket_id in shared:
                return shared[ticket_id], True
    index = line.walk_ins.index(target)
    today = _today(db, office, now, _head(line))
    if index < LONG_LINE:
        return _summary(today, [_future(today, k, target.id) for k in range(FUTURES)], target,
                        _position(office, line.walk_ins, index))
    last = line.walk_ins[LONG_LINE - 1]
    base, _ = _summary(today, _head_futures(db, today), last, index + 1)
    return _behind(today, base, target, _work(today, line.walk_ins[LONG_LINE - 1:index]))


_heads: dict[tuple, list[dict[int, datetime]]] = {}


def _head_futures(db: Database, today: _Today) -> list[dict[int, datetime]]:
    """The futures of a line's head, kept while the head, the desks and the model stay as they are
    (a long line grows at its end: its head and so its futures stay the same)."""
    line = today.line
    key = (db.execute("PRAGMA database_list").fetchone()[2], id(today.model), id(today.office),
           tuple(w.id for w in line.walk_ins), tuple(a.ticket for a in line.waiting), len(line.booked),
           tuple(sorted(today.busy.items())), int(today.now.timestamp() // SHARED_S))
    if key not in _heads:
        if len(_heads) > 64:
            _heads.clear()
        _heads[key] = [_future(today, k, None) for k in range(FUTURES)]
    return _heads[key]


_shared: dict[tuple, dict[int, Estimate]] = {}
SHARED_S = 15  # phones, tickets and desks asking within this many seconds share one calculation


def waiting_outlook(db: Database, office: Office, now: datetime) -> dict[int, Estimate]:
    """Every waiting walk-in's estimate at once (the desk's list, status pages), equal to each
    one's own; shared until the line changes (a new event) or SHARED_S seconds pass."""
    key = (db.execute("PRAGMA database_list").fetchone()[2], events.latest_seq(db), id(office),
           int(now.timestamp() // SHARED_S))
    if key in _shared:
        return _shared[key]
    line = policy.load_line(db, office, now)
    found: dict[int, Estimate] = {}
    if line.walk_ins:
        today = _today(db, office, now, _head(line))
        futures = _head_futures(db, today)
        for index, walk_in in enumerate(line.walk_ins[:LONG_LINE]):
            found[walk_in.id] = _summary(today, futures, walk_in, _position(office, line.walk_ins, index))[0]
        if len(line.walk_ins) > LONG_LINE:
            last = found[line.walk_ins[LONG_LINE - 1].id]
            work = 0.0
            for index in range(LONG_LINE, len(line.walk_ins)):
                work += _work(today, [line.walk_ins[index - 1]])
                base = Estimate(index + 1, last.minutes, last.low, last.high)
                found[line.walk_ins[index].id] = _behind(today, base, line.walk_ins[index], work)[0]
    if len(_shared) > 64:
        _shared.clear()
    _shared[key] = found
    return found


def shown_range(estimate: Estimate) -> tuple[int, int]:
    """The range a visitor is shown: the estimate's, rounded outwards to 5 minutes, at least 10
    wide beyond "a few minutes" (0–5). Every surface shows this one."""
    low = estimate.minutes if estimate.low is None else estimate.low
    high = estimate.minutes if estimate.high is None else estimate.high
    if high <= 5:
        return (0, 5)
    low, high = 5 * math.floor(low / 5), 5 * math.ceil(high / 5)
    return (low, max(high, low + 10))
