"""Who is next for a caseworker: the one place that decides.

1. Due appointments (from start − early window) of this caseworker, earliest start, then check-in.
2. Walk-ins, urgent ones first, then first come first served, but only one whose visit will very
   probably (``gap_fill_confidence``, 90 % by default) end before any of the caseworker's
   upcoming appointments needs the desk, judged by the learned service times and by how late or
   absent those visitors probably are (queue_core.servicetime). So a walk-in does not make an
   appointment wait, except by the small risk the office accepts.
3. An early, checked-in appointment when the caseworker would otherwise idle.

The rules work on today's line held in memory (``Line``), so the estimate and the simulator ask
the very same functions about situations that have not happened yet. Loading the line reads
today's waiting tickets and booked appointments only, each on an index.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlite_utils import Database

from .clock import from_db, to_db
from .models import Reason
from .needs import room_needs
from .office import Caseworker, Office
from .schedule import local_day, local_instant
from .servicetime import Model, model as learned_model

RECHECK_MIN = 5  # an idle caseworker's answer changes as an absent visitor grows less likely to come


@dataclass(frozen=True)
class WalkIn:
    id: int
    service: str
    staff: str | None  # sent to this colleague
    initial: str | None
    arrived: datetime
    urgent: bool = False
    needs: str | None = None  # room needs (queue_core.needs): only a desk that meets them may call


@dataclass(frozen=True)
class Appointment:
    """An appointment of today: checked in (``ticket`` set) or booked and not here yet."""

    start: datetime
    staff: str | None
    service: str
    minutes: int
    ticket: int | None = None
    arrived: datetime | None = None
    needs: str | None = None  # room needs of a checked-in visitor (queue_core.needs)


@dataclass
class Line:
    """Today's line as the policy sees it: waiting walk-ins (in line order) and appointments.

    The estimate plays many futures of one line, asking the policy at every step; what each
    caseworker may take is therefore kept per caseworker until the line changes (``take``, ``arrive``).
    """

    walk_ins: list[WalkIn] = field(default_factory=list)
    waiting: list[Appointment] = field(default_factory=list)  # checked in, waiting
    booked: list[Appointment] = field(default_factory=list)  # not here yet, still expected
    truncated: bool = False  # more walk-ins wait than were read (see load_line's prefix)
    _walk_ins_for: dict[str, list[WalkIn]] = field(default_factory=dict, repr=False)
    _appointments_for: dict[str, tuple[list[Appointment], list[Appointment]]] = field(
        default_factory=dict, repr=False)

    def take(self, ticket: int) -> str:
        """Remove a called ticket from the line; returns its service."""
        for walk_in in self.walk_ins:
            if walk_in.id == ticket:
                self.walk_ins.remove(walk_in)
                for cached in self._walk_ins_for.values():
                    if walk_in in cached:
                        cached.remove(walk_in)
                return walk_in.service
        for appointment in self.waiting:
            if appointment.ticket == ticket:
                self.waiting.remove(appointment)
                self._appointments_for.clear()
                return appointment.service
        raise LookupError(ticket)

    def arrive(self, booked: Appointment, ticket: int, when: datetime) -> None:
        """A booked visitor checks in."""
        self.booked.remove(booked)
        self.waiting.append(Appointment(booked.start, booked.staff, booked.service, booked.minutes, ticket, when))
        self._appointments_for.clear()

    def walk_ins_for(self, caseworker: Caseworker) -> list[WalkIn]:
        if caseworker.username not in self._walk_ins_for:
            self._walk_ins_for[caseworker.username] = walk_in_candidates(self, caseworker)
        return self._walk_ins_for[caseworker.username]

    def appointments_for(self, caseworker: Caseworker) -> tuple[list[Appointment], list[Appointment]]:
        """(waiting appointments they may take, their own appointments by start, here or not)."""
        if caseworker.username not in self._appointments_for:
            mine = [a for a in self.waiting if takes_appointment(caseworker, a)]
            own = [a for a in self.waiting if a.staff == caseworker.username]
            own += [a for a in self.booked if a.staff == caseworker.username]
            self._appointments_for[caseworker.username] = (mine, sorted(own, key=lambda a: a.start))
        return self._appointments_for[caseworker.username]


@dataclass(frozen=True)
class Idle:
    """Why nobody is callable for a caseworker now, for the desk to say in words."""

    code: str  # nobody_waiting, none_fits, for_colleagues
    waiting: int = 0  # walk-ins this caseworker could take
    for_colleagues: int = 0  # walk-ins only colleagues may take
    before: datetime | None = None  # the appointment none of them fits before
    shortest_min: int | None = None  # what the shortest of them needs (at the confidence asked)


def line_order(walk_in: WalkIn) -> tuple:
    return (not walk_in.urgent, walk_in.arrived, walk_in.id)


LINE_PREFIX = 300  # walk-ins read per decision: the first fitting one is almost always among them


def load_line(db: Database, office: Office, now: datetime, caseworker: Caseworker | None = None,
              prefix: int | None = None) -> Line:
    """Today's waiting tickets and the booked appointments still expected (start + late tolerance).

    With ``caseworker``, only what could matter to them: appointments of theirs or unassigned,
    their own booked ones; with ``prefix``, the urgent walk-ins and the first ``prefix`` others by
    arrival (``Line.truncated`` says whether more wait). Every read runs on an index.
    """
    day = local_day(office, now).isoformat()
    line = Line()
    base = "FROM tickets WHERE location = ? AND day = ? AND state = 'waiting' AND kind = ?"
    columns = "SELECT id, service, minutes, staff, initial, appointment_start, created_at, urgent_at, needs "
    walk_ins = db.execute(columns + base + " AND urgent_at IS NOT NULL", (office.location, day, "walk_in")).fetchall()
    others = columns + base + " AND urgent_at IS NULL ORDER BY created_at, id"
    found = db.execute(others + (" LIMIT ?" if prefix else ""),
                       (office.location, day, "walk_in", *((prefix + 1,) if prefix else ()))).fetchall()
    if prefix and len(found) > prefix:
        found, line.truncated = found[:prefix], True
    for tid, service, _minutes, staff, initial, _start, created, urgent, needs in walk_ins + found:
        line.walk_ins.append(WalkIn(tid, service, staff, initial, from_db(created), urgent is not None, needs))
    scope, params = "", []
    if caseworker is not None:
        scope, params = " AND (staff = ? OR staff IS NULL)", [caseworker.username]
    for tid, service, minutes, staff, _initial, start, created, _urgent, needs in db.execute(
            columns + base + scope, (office.location, day, "appointment", *params)).fetchall():
        line.waiting.append(Appointment(from_db(start), staff, service, minutes, tid, from_db(created), needs))
    line.walk_ins.sort(key=line_order)
    tomorrow = local_instant(office, local_day(office, now) + timedelta(days=1), datetime.min.time())
    for start, staff, service, minutes in db.execute(
            "SELECT starts_at, staff, service, duration_min FROM appointments WHERE state = 'booked'"
            " AND starts_at > ? AND starts_at < ? AND location = ?" + (" AND staff = ?" if caseworker else ""),
            (to_db(now - timedelta(minutes=office.late_tolerance_min)), to_db(tomorrow), office.location,
             *params)).fetchall():
        line.booked.append(Appointment(from_db(start), staff, service, minutes))
    return line


def takes_appointment(caseworker: Caseworker, appointment: Appointment) -> bool:
    """Their own appointments, or unassigned ones of their services."""
    if appointment.staff is not None:
        return appointment.staff == caseworker.username
    return appointment.service in caseworker.services


def takes_walk_in(caseworker: Caseworker, walk_in: WalkIn) -> bool:
    """Sent to them, or of their services and surname letters."""
    if walk_in.staff is not None:
        return walk_in.staff == caseworker.username
    return walk_in.service in caseworker.services and caseworker.handles_initial(walk_in.initial)


def walk_in_candidates(line: Line, caseworker: Caseworker) -> list[WalkIn]:
    """The walk-ins this caseworker may call, in line order (urgent first, then by arrival)."""
    return [w for w in line.walk_ins if takes_walk_in(caseworker, w)]


def upcoming(line: Line, caseworker: Caseworker, now: datetime) -> list[Appointment]:
    """This caseworker's own appointments still to come, by start: checked in with a later start,
    or booked and still expected (a visitor may be late up to the tolerance)."""
    own = line.appointments_for(caseworker)[1]
    return [a for a in own if a.start > now or a.ticket is None]


def fits(office: Office, model: Model, caseworker: Caseworker, service: str, now: datetime,
         ahead: list[Appointment]) -> tuple[float, Appointment]:
    """The chance a visit of ``service`` started now needs nobody of ``ahead`` to wait, and the
    appointment that limits it most (an absent first visitor leaves the second one to protect)."""
    horizon = 2 * model.duration(service, caseworker.username).quantile(0.99)
    worst = (1.0, ahead[0])
    for appointment in ahead:
        if (appointment.start - now).total_seconds() / 60 > horizon:
            break
        chance = fit_chance(office, model, caseworker, service, now, appointment)
        if chance < worst[0]:
            worst = (chance, appointment)
    return worst


def fit_chance(office: Office, model: Model, caseworker: Caseworker, service: str, now: datetime,
               upcoming: Appointment) -> float:
    """How likely a visit of ``service`` started now ends before ``upcoming``'s visitor needs the desk.

    A checked-in visitor needs it at the start. One not here yet needs it at the start or when they
    come, whichever is later, or never (no-show; or so late they join the walk-ins): the learned
    lateness and no-show rate, given that they are not here now, weigh those cases.
    """
    # Half-minute steps: the chance barely moves within one, and the estimate asks about many moments.
    gap = round((upcoming.start - now).total_seconds() / 30) / 2
    key = (service, caseworker.username, gap, upcoming.ticket is None)
    found = model.memo.get(key)
    if found is None:
        if len(model.memo) > 100_000:
            model.memo.clear()
        found = model.memo[key] = _chance(office, model, model.duration(service, caseworker.username), gap,
                                          upcoming.ticket is not None)
    return found


def _chance(office: Office, model: Model, duration, gap: float, here: bool) -> float:
    if here:
        return duration.cdf(gap)
    points = model.late_points  # sorted: lateness at evenly spaced shares
    first = bisect_right(points, -gap)  # those who would have come by now did not: they come later
    if first == len(points):
        return 1.0
    on_time = bisect_right(points, 0.0, first)
    too_late = bisect_right(points, office.late_tolerance_min, on_time)  # they join the walk-ins
    late = len(points) - first
    in_time = ((on_time - first) * duration.cdf(gap) + (len(points) - too_late)
               + sum(duration.cdf(gap + q) for q in points[on_time:too_late])) / late
    no_show = model.no_show_rate
    still_to_come = (1 - no_show) * late / len(points)
    return (no_show + still_to_come * in_time) / (no_show + still_to_come)


def decide(office: Office, model: Model, line: Line, caseworker: Caseworker,
           now: datetime) -> tuple[int, Reason] | None:
    """The ticket this caseworker should call at ``now`` in this line, and why; None when nobody."""
    due_until = now + timedelta(minutes=office.early_window_min)
    mine = line.appointments_for(caseworker)[0]
    due = [a for a in mine if a.start <= due_until]
    if due:
        first = min(due, key=lambda a: (a.start, a.arrived, a.ticket))
        return first.ticket, Reason("appointment_due", first.start)
    ahead = upcoming(line, caseworker, now)
    chances: dict[str, tuple[float, Appointment]] = {}
    for walk_in in line.walk_ins_for(caseworker):
        code = "walk_in_urgent" if walk_in.urgent else "walk_in"
        if not ahead:
            return walk_in.id, Reason(code)
        if walk_in.service not in chances:
            chances[walk_in.service] = fits(office, model, caseworker, walk_in.service, now, ahead)
        chance, limit = chances[walk_in.service]
        if chance >= office.gap_fill_confidence:
            return walk_in.id, Reason(code if walk_in.urgent else "walk_in_fits", fits_before=limit.start,
                                      chance=round(chance, 3))
    if mine:
        first = min(mine, key=lambda a: (a.start, a.arrived, a.ticket))
        return first.ticket, Reason("appointment_early", first.start)
    return None


def recheck_at(office: Office, line: Line, caseworker: Caseworker, now: datetime) -> datetime | None:
    """When an idle caseworker's answer may change with nobody arriving: their next appointment
    becomes due, or (with walk-ins held back) a few minutes on, as an absent visitor grows less likely."""
    ahead = upcoming(line, caseworker, now)
    if not ahead:
        return None
    due = ahead[0].start - timedelta(minutes=office.early_window_min)
    if line.walk_ins_for(caseworker):
        due = min(due, now + timedelta(minutes=RECHECK_MIN))
    return max(due, now + timedelta(minutes=1))


def explain_idle(office: Office, model: Model, line: Line, caseworker: Caseworker, now: datetime) -> Idle:
    """Why ``decide`` found nobody: no one waits, none fits before the next appointment, or the
    walk-ins waiting belong to colleagues (other services, letters, or sent to someone)."""
    mine = walk_in_candidates(line, caseworker)
    others = len(line.walk_ins) - len(mine)
    ahead = upcoming(line, caseworker, now)
    if mine and ahead:
        limit = min((fits(office, model, caseworker, w.service, now, ahead) for w in mine),
                    key=lambda found: -found[0])[1]
        needed = min(model.duration(w.service, caseworker.username).quantile(office.gap_fill_confidence)
                     for w in mine)
        return Idle("none_fits", len(mine), others, limit.start, round(needed))
    if others:
        return Idle("for_colleagues", 0, others)
    return Idle("nobody_waiting")


def for_desk(line: Line, office: Office, desk: str | None) -> Line:
    """The part of the line a caseworker at ``desk`` may call: tickets whose room needs (barrier-free,
    quiet room, …) the desk meets. Without a desk, the whole line. Booked visitors not here yet stay:
    the gap before them must be protected wherever they will be called."""
    if desk is None:
        return line
    found = office.desks.get(desk)
    capabilities = found.capabilities if found else frozenset()

    def met(stored: str | None) -> bool:
        return set(room_needs(stored)) <= capabilities

    return Line([w for w in line.walk_ins if met(w.needs)], [a for a in line.waiting if met(a.needs)],
                list(line.booked), line.truncated)


def choose_next(db: Database, office: Office, caseworker: Caseworker,
                now: datetime, desk: str | None = None) -> tuple[int, Reason] | None:
    """The ticket this caseworker should call now (at ``desk``, whose room must meet the ticket's
    needs), and why; None when nobody is eligible.

    Tickets of earlier office-local days are no candidates: numbers restart every day, and a
    ticket left waiting at yesterday's closing must not be called (or share a number) today.
    """
    model = learned_model(db, office)
    line = for_desk(load_line(db, office, now, caseworker, LINE_PREFIX), office, desk)
    choice = decide(office, model, line, caseworker, now)
    if choice is None and line.truncated:  # nobody fitting among the first: look at the whole line
        choice = decide(office, model, for_desk(load_line(db, office, now, caseworker), office, desk),
                        caseworker, now)
    return choice


def why_idle(db: Database, office: Office, caseworker: Caseworker, now: datetime) -> Idle | None:
    """The reason nobody is callable now, or None when someone is."""
    line, model = load_line(db, office, now, caseworker), learned_model(db, office)
    if decide(office, model, line, caseworker, now) is not None:
        return None
    return explain_idle(office, model, line, caseworker, now)


def when_to_ask_again(db: Database, office: Office, caseworker: Caseworker, now: datetime) -> datetime | None:
    """For an idle caseworker (the simulator): when the policy's answer may change by itself."""
    return recheck_at(office, load_line(db, office, now, caseworker, LINE_PREFIX), caseworker, now)

