"""The office's evaluation: figures over a range of office-local days, free of any web framework.

Sources and the choices made (docs/reports.md explains them for the office):

- Tickets (one per visit at the kiosk) give kind, service, final state, outcome, check-in
  (``created_at``), start and end of service. ``tickets.called_at`` is cleared when a ticket is put
  back or transferred, so every call time comes from the event log: the **first** ``called`` event
  of a ticket is "the call" for waits and punctuality.
- Appointments count on the office-local day of their start; tickets on the day of their check-in.
- Nothing here reads a personal field (name, birth date, phone, concern, notes, documents, initial),
  so erasing them (retention) never changes a figure.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from sqlite_utils import Database

from .absences import report_rows as absence_rows
from .distribution import percentile, union
from .errors import InvalidInput
from .models import TICKET_KINDS
from .office import Office
from .facts import AppointmentFacts, Facts, Period, TicketFacts, _minutes, load_facts
from .schedule import local_day, openings, wall_clock

PUNCTUAL_MIN = 5  # "called within 5 minutes of their time"
LEAD_WEEK_DAYS = 7  # "a free slot within the next week"
# (label, lower bound exclusive, upper bound inclusive) in minutes; None = open end.
DELAY_BUCKETS: tuple[tuple[str, float | None, float | None], ...] = (
    ("≤ 0", None, 0), ("0–5", 0, 5), ("5–10", 5, 10), ("10–15", 10, 15), ("15–30", 15, 30), ("> 30", 30, None))
# (label, first day, last day) of booking lead time; None = open end.
LEAD_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0), ("1", 1, 1), ("2–3", 2, 3), ("4–7", 4, 7), ("8–14", 8, 14), ("> 14", 15, None))
KINDS = TICKET_KINDS


# ---------------------------------------------------------------- distributions

@dataclass(frozen=True)
class Figures:
    """Count, mean, median, 90th percentile (nearest rank) and maximum of some minutes."""

    n: int
    mean: float | None
    median: float | None
    p90: float | None
    max: float | None


def describe(values: Iterable[float]) -> Figures:
    """Figures of the values. p90 is the nearest-rank percentile: the smallest value with at
    least 90 % of all values at or below it (sorted[ceil(0.9 n) − 1])."""
    ordered = sorted(values)
    if not ordered:
        return Figures(0, None, None, None, None)
    return Figures(len(ordered), statistics.fmean(ordered), statistics.median(ordered), percentile(ordered, 0.9),
                   ordered[-1])


def _rounded(figures: Figures, digits: int = 1) -> dict[str, Any]:
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in asdict(figures).items()}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None

def count_by_kind(tickets: Iterable[TicketFacts], state: str) -> dict[str, int]:
    """Tickets in the final ``state`` per kind, plus their total."""
    counts = {kind: 0 for kind in KINDS}
    for t in tickets:
        if t.state == state:
            counts[t.kind] = counts.get(t.kind, 0) + 1
    counts["total"] = sum(counts[k] for k in KINDS)
    return counts


def waits(tickets: Iterable[TicketFacts]) -> dict[str, Figures]:
    """Check-in → first call in minutes, per kind (tickets never called are left out)."""
    values: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for t in tickets:
        if t.wait is not None:
            values[t.kind].append(t.wait)
    return {kind: describe(v) for kind, v in values.items()}


def punctuality(tickets: Iterable[TicketFacts], limit: float = PUNCTUAL_MIN) -> dict[str, Any]:
    """Share of called appointment tickets whose delay (first call − max(start, check-in)) ≤ limit,
    the delay figures and the delay distribution over DELAY_BUCKETS."""
    delays = [t.delay for t in tickets if t.delay is not None]
    within = sum(1 for d in delays if d <= limit)
    distribution = []
    for label, low, high in DELAY_BUCKETS:
        count = sum(1 for d in delays if (low is None or d > low) and (high is None or d <= high))
        distribution.append({"delay_min": label, "count": count, "share": _share(count, len(delays))})
    return {"called": len(delays), "within_limit": within, "limit_min": limit,
            "share": _share(within, len(delays)), "delays": _rounded(describe(delays)),
            "distribution": distribution}


def service_times(tickets: Iterable[TicketFacts], office: Office) -> list[dict[str, Any]]:
    """Start (or last call) → end of service of finished tickets, minutes, per service."""
    values: dict[str, list[float]] = defaultdict(list)
    for t in tickets:
        if t.service_minutes is not None:
            values[t.service].append(t.service_minutes)
    return [{"service": key, "service_name": _service_name(office, key), **_rounded(describe(values[key]))}
            for key in _ordered_services(office, values)]


def desk_idle(tickets: Iterable[TicketFacts], office: Office,
              staffed_from: Mapping[tuple[str, date], datetime] | None = None) -> list[dict[str, Any]]:
    """Per desk and office-local day on which it called anyone: the staffed span (from the moment a
    caseworker took the desk, else its first call, to the end of its last visit) within opening
    hours, minus the minutes with a visitor called or served."""
    spans: dict[tuple[str, date], list[tuple[datetime, datetime]]] = defaultdict(list)
    for t in tickets:
        for desk, since, until in t.busy:
            spans[(desk, local_day(office, since))].append((since, until))
    rows = []
    for (desk, day), intervals in sorted(spans.items()):
        opened = openings(office, day)
        first, last = min(s for s, _ in intervals), max(u for _, u in intervals)
        first = min(first, (staffed_from or {}).get((desk, day), first))
        staffed = sum(_overlap(first, last, o.start, o.end) for o in opened)
        busy = sum(_overlap(s, u, o.start, o.end) for s, u in union(intervals) for o in opened)
        rows.append({"desk": desk, "day": day.isoformat(), "staffed_min": round(staffed, 1),
                     "busy_min": round(busy, 1), "idle_min": round(max(0.0, staffed - busy), 1)})
    return rows


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    return max(0.0, _minutes(min(a1, b1), max(a0, b0)))


def lead_times(appointments: Iterable[AppointmentFacts]) -> dict[str, Any]:
    """Days from booking to the appointment (office-local calendar days) of every appointment of the period."""
    days = [a.lead_days for a in appointments if not a.no_visit]
    within = sum(1 for d in days if d <= LEAD_WEEK_DAYS)
    distribution = []
    for label, low, high in LEAD_BUCKETS:
        count = sum(1 for d in days if d >= low and (high is None or d <= high))
        distribution.append({"lead_days": label, "count": count, "share": _share(count, len(days))})
    figures = describe(days)
    return {"appointments": len(days), "mean_days": _round(figures.mean), "median_days": _round(figures.median),
            "max_days": figures.max, "within_week": within, "share_within_week": _share(within, len(days)),
            "distribution": distribution}


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def visits_avoided(tickets: Iterable[TicketFacts], appointments: Iterable[AppointmentFacts]) -> dict[str, int]:
    """Appointments resolved "documents by post", calls recorded as "no visit needed", and visits
    closed with outcome by_post (the follow-up visit is avoided)."""
    appointments = list(appointments)
    by_post = sum(1 for a in appointments if a.state == "by_post" and not a.no_visit)
    no_visit = sum(1 for a in appointments if a.no_visit and not a.online)
    online = sum(1 for a in appointments if a.no_visit and a.online)  # the online triage, apart from the phone's
    finished = sum(1 for t in tickets if t.state == "done" and t.outcome == "by_post")
    return {"appointments_by_post": by_post, "no_visit_needed": no_visit, "online_triage": online,
            "finished_by_post": finished, "total": by_post + no_visit + online + finished}


def appointment_states(appointments: Iterable[AppointmentFacts]) -> dict[str, int]:
    """Appointments of the period by state (booked = not yet resolved) plus their total;
    "no visit needed" calls are not appointments and are left out."""
    counts = {s: 0 for s in ("booked", "checked_in", "missed", "cancelled", "by_post")}
    for a in appointments:
        if not a.no_visit:
            counts[a.state] = counts.get(a.state, 0) + 1
    counts["total"] = sum(counts.values())
    return counts


def _service_name(office: Office, key: str) -> str:
    found = office.services.get(key)
    return found.name if found else key


def _ordered_services(office: Office, keys: Iterable[str]) -> list[str]:
    keys = set(keys)
    return [k for k in office.services if k in keys] + sorted(keys - set(office.services))


def _group_row(tickets: list[TicketFacts], appointments: list[AppointmentFacts],
               caller_tickets: list[TicketFacts] | None = None) -> dict[str, Any]:
    """The figures of one service or caseworker (flat, so it fits one CSV row)."""
    caller_tickets = tickets if caller_tickets is None else caller_tickets
    served = count_by_kind(tickets, "done")
    no_show = count_by_kind(tickets, "no_show")
    states = appointment_states(appointments)
    wait = waits(caller_tickets)
    punctual = punctuality(caller_tickets)
    finished = [t.service_minutes for t in tickets if t.service_minutes is not None]
    row: dict[str, Any] = {
        "served": served["total"], "served_appointment": served["appointment"],
        "served_walk_in": served["walk_in"], "no_shows": no_show["total"],
        "appointments": states["total"], "missed": states["missed"], "cancelled": states["cancelled"],
        "by_post": states["by_post"], "no_visit_needed": sum(1 for a in appointments if a.no_visit),
    }
    for kind in KINDS:
        for key, value in _rounded(wait[kind]).items():
            row[f"wait_{kind}_{key}"] = value
    row["punctual_share"] = punctual["share"]
    row["service_time_mean"] = _round(statistics.fmean(finished)) if finished else None
    return row


def by_service(facts: Facts, office: Office) -> list[dict[str, Any]]:
    """Figures per service (tickets by their final service, appointments by theirs)."""
    tickets: dict[str, list[TicketFacts]] = defaultdict(list)
    appointments: dict[str, list[AppointmentFacts]] = defaultdict(list)
    for t in facts.tickets:
        tickets[t.service].append(t)
    for a in facts.appointments:
        appointments[a.service].append(a)
    return [{"service": key, "service_name": _service_name(office, key),
             **_group_row(tickets[key], appointments[key])}
            for key in _ordered_services(office, {*tickets, *appointments})]


def by_caseworker(facts: Facts, office: Office) -> list[dict[str, Any]]:
    """Figures per caseworker: served and no-shows by who called the ticket last, waits and
    punctuality by who called it first, appointments by the caseworker they were booked with."""
    served: dict[str, list[TicketFacts]] = defaultdict(list)
    first: dict[str, list[TicketFacts]] = defaultdict(list)
    appointments: dict[str, list[AppointmentFacts]] = defaultdict(list)
    for t in facts.tickets:
        if t.server and t.state in ("done", "no_show"):
            served[t.server].append(t)
        if t.first_caller:
            first[t.first_caller].append(t)
    for a in facts.appointments:
        if a.staff:
            appointments[a.staff].append(a)
    names = {*served, *first, *appointments}
    ordered = [u for u in office.staff if u in names] + sorted(names - set(office.staff))
    return [{"staff": user, "staff_name": office.staff[user].name if user in office.staff else user,
             **_group_row(served[user], appointments[user], first[user])} for user in ordered]


def waits_by_hour(facts: Facts, office: Office) -> list[dict[str, Any]]:
    """Mean and p90 wait per office-local hour of check-in, per kind (hours with any check-in)."""
    values: dict[int, dict[str, list[float]]] = defaultdict(lambda: {k: [] for k in KINDS})
    for t in facts.tickets:
        if t.wait is not None:
            values[t.checked_in.astimezone(office.timezone).hour][t.kind].append(t.wait)
    rows = []
    for hour in sorted(values):
        row: dict[str, Any] = {"hour": hour}
        for kind in KINDS:
            figures = describe(values[hour][kind])
            row[f"{kind}_n"] = figures.n
            row[f"{kind}_mean"] = _round(figures.mean)
            row[f"{kind}_p90"] = _round(figures.p90)
        rows.append(row)
    return rows


def punctuality_by_week(facts: Facts) -> list[dict[str, Any]]:
    """Punctuality per ISO week of the check-in day."""
    weeks: dict[str, list[TicketFacts]] = defaultdict(list)
    for t in facts.tickets:
        if t.delay is not None:
            year, week, _ = t.day.isocalendar()
            weeks[f"{year}-W{week:02d}"].append(t)
    rows = []
    for week in sorted(weeks):
        p = punctuality(weeks[week])
        rows.append({"week": week, "called": p["called"], "within_limit": p["within_limit"], "share": p["share"],
                     "delay_median": p["delays"]["median"]})
    return rows


def daily(facts: Facts) -> list[dict[str, Any]]:
    """One row per day of the period: visitors served by kind, no-shows, missed, avoided, stops."""
    rows = {d: {"day": d.isoformat(), "served_appointment": 0, "served_walk_in": 0, "no_shows": 0,
                "missed": 0, "cancelled": 0, "visits_avoided": 0, "intake_stops": 0}
            for d in facts.period.dates()}
    for t in facts.tickets:
        row = rows.get(t.day)
        if row is None:
            continue
        if t.state == "done":
            row[f"served_{t.kind}"] += 1
            row["visits_avoided"] += t.outcome == "by_post"
        elif t.state == "no_show":
            row["no_shows"] += 1
    for a in facts.appointments:
        row = rows.get(a.day)
        if row is not None:
            row["missed"] += a.state == "missed"
            row["cancelled"] += a.state == "cancelled"
            row["visits_avoided"] += a.state == "by_post"  # includes "no visit needed" calls
    for s in facts.stops:
        if s.day in rows:
            rows[s.day]["intake_stops"] += 1
    for row in rows.values():
        row["served"] = row["served_appointment"] + row["served_walk_in"]
    return list(rows.values())


def intake_stops(facts: Facts, office: Office) -> list[dict[str, Any]]:
    """Each recorded stop of walk-in intake: day, office-local time and reason (cutoff or capacity)."""
    return [{"day": s.day.isoformat(), "time": wall_clock(office, s.at),
             "reason": s.reason} for s in facts.stops]


# ---------------------------------------------------------------- everything at once

TABLES = ("summary", "by_service", "by_caseworker", "daily", "waits_by_hour", "punctuality_by_week",
          "delay_distribution", "service_times", "desk_idle", "lead_time_distribution", "intake_stops", "absences")


def evaluate(db: Database, office: Office, period: Period) -> dict[str, Any]:
    """The whole evaluation of the period as plain JSON-able data (the API answers with it)."""
    facts = load_facts(db, office, period)
    desks = desk_idle(facts.tickets, office, facts.staffed_from)
    staffed = sum(r["staffed_min"] for r in desks)
    busy = sum(r["busy_min"] for r in desks)
    punctual = punctuality(facts.tickets)
    lead = lead_times(facts.appointments)
    stops_by_reason: dict[str, int] = defaultdict(int)
    for s in facts.stops:
        stops_by_reason[s.reason] += 1
    wait = waits(facts.tickets)
    absences = absence_rows(db, office, period.first, period.last, period.location)
    summary = {
        "served": count_by_kind(facts.tickets, "done"),
        "no_shows": count_by_kind(facts.tickets, "no_show"),
        "tickets_cancelled": count_by_kind(facts.tickets, "cancelled")["total"],
        "appointments": appointment_states(facts.appointments),
        "waits": {kind: _rounded(wait[kind]) for kind in KINDS},
        "punctuality": {k: v for k, v in punctual.items() if k != "distribution"},
        "visits_avoided": visits_avoided(facts.tickets, facts.appointments),
        "lead_time": {k: v for k, v in lead.items() if k != "distribution"},
        "intake_stops": {"count": len(facts.stops), "by_reason": dict(stops_by_reason)},
        "absences": {"count": len(absences), **{k: sum(r[k] for r in absences)
                                                for k in ("hours", "moved", "to_call", "cancelled")}},
        "desk_idle": {"desk_days": len(desks), "staffed_min": round(staffed, 1), "busy_min": round(busy, 1),
                      "idle_min": round(max(0.0, staffed - busy), 1),
                      "idle_share": round(max(0.0, staffed - busy) / staffed, 4) if staffed else None},
    }
    return {
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat(), "days": period.days,
                   "location": period.location},
        "summary": summary,
        "by_service": by_service(facts, office),
        "by_caseworker": by_caseworker(facts, office),
        "daily": daily(facts),
        "waits_by_hour": waits_by_hour(facts, office),
        "punctuality_by_week": punctuality_by_week(facts),
        "delay_distribution": punctual["distribution"],
        "service_times": service_times(facts.tickets, office),
        "desk_idle": desks,
        "lead_time_distribution": lead["distribution"],
        "intake_stops": intake_stops(facts, office),
        "absences": absences,
    }


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested summary → [("served.appointment", 3), …] (the summary's CSV rows)."""
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key, inner in value.items():
            out += flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return out
    return [(prefix, value)]


def table(evaluation: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """One table of an evaluation as rows (the summary as figure/value rows)."""
    if name not in TABLES:
        raise InvalidInput("unknown table; one of " + ", ".join(TABLES), field="table")
    if name == "summary":
        return [{"figure": k, "value": v} for k, v in flatten(evaluation["summary"])]
    return evaluation[name]
