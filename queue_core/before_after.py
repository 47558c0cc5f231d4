"""The office's internal evaluation: before and after the day a change took effect.

The office names the change (introduction of appointments, new hours, more walk-in slots) and its
date; every figure is given for the period before and the period from that day on, each with the
number of visits (or answers, notes) behind it, so a small sample reads as one.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from .climate import climate_figures
from .errors import InvalidInput
from .facts import load_facts, make_period
from .office import Office
from .stats import describe, evaluate

MAX_DAYS = 3 * 366


def compare(db: Database, office: Office, change: date, first: date, last: date) -> dict[str, Any]:
    """Figures of [first, change) and [change, last] side by side: ``{"rows": [...], ...}``."""
    if not first < change <= last:
        raise InvalidInput("the change date must lie after the first day and not after the last", field="change")
    if (last - first).days > MAX_DAYS:
        raise InvalidInput("at most three years at once", field="from")
    periods = {"before": (first, change - timedelta(days=1)), "after": (change, last)}
    figures = {side: _figures(db, office, *days) for side, days in periods.items()}
    rows = [{"figure": name, "before": figures["before"][name][0], "before_n": figures["before"][name][1],
             "after": figures["after"][name][0], "after_n": figures["after"][name][1]}
            for name in figures["before"]]
    return {"change": change.isoformat(), "rows": rows, "weeks": weekly(db, office, first, last),
            "periods": {side: {"from": a.isoformat(), "to": b.isoformat()} for side, (a, b) in periods.items()}}


def _figures(db: Database, office: Office, first: date, last: date) -> dict[str, tuple[Any, int]]:
    """(value, number behind it) per figure for one period."""
    summary = evaluate(db, office, make_period(first, last, office.location))["summary"]
    climate = climate_figures(db, office.location, first, last)
    out: dict[str, tuple[Any, int]] = {}
    for kind in ("appointment", "walk_in"):
        wait = summary["waits"][kind]
        out[f"wait_median_min.{kind}"] = (wait["median"], wait["n"])
        out[f"wait_p90_min.{kind}"] = (wait["p90"], wait["n"])
    punctual = summary["punctuality"]
    out["punctual_share"] = (punctual["share"], punctual["called"])
    served, no_shows = summary["served"]["total"], summary["no_shows"]["total"]
    missed = summary["appointments"].get("missed", 0)
    visits = served + no_shows + missed
    out["no_show_share"] = (round((no_shows + missed) / visits, 4) if visits else None, visits)
    avoided = summary["visits_avoided"]
    out["visits_avoided"] = (avoided["total"], avoided["total"] + served)
    out["visits_avoided.online_triage"] = (avoided["online_triage"], avoided["total"] + served)
    for kind in ("appointment", "walk_in", "total"):
        answers = climate["feedback"][kind]
        out[f"feedback_mean.{kind}"] = (answers["mean"], answers["count"])
        rated = climate["climate"][kind]
        tense = rated["tense"] + rated["heated"]
        out[f"climate_tense_share.{kind}"] = (round(tense / rated["count"], 3) if rated["count"] else None,
                                              rated["count"])
        incidents = climate["incidents"][kind]
        out[f"incidents.{kind}"] = (incidents["total"], incidents["count"])
    for incident in ("verbal_aggression", "threat", "security_called"):
        out[f"incidents.{incident}"] = (climate["incidents"]["total"][incident], climate["incidents"]["total"]["count"])
    return out


def weekly(db: Database, office: Office, first: date, last: date) -> list[dict[str, Any]]:
    """The climate over time beside the waits: one row per calendar week, by appointment vs walk-in."""
    tickets = load_facts(db, office, make_period(first, last, office.location)).tickets
    rows = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        sunday = monday + timedelta(days=6)
        lo, hi = max(first, monday), min(last, sunday)
        climate = climate_figures(db, office.location, lo, hi)
        row: dict[str, Any] = {"week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"}
        for kind in ("appointment", "walk_in"):
            waits = describe(t.wait for t in tickets if t.kind == kind and lo <= t.day <= hi and t.wait is not None)
            row[f"wait_median_min.{kind}"] = None if waits.median is None else round(waits.median, 1)
            row[f"visits.{kind}"] = waits.n
            row[f"feedback_mean.{kind}"] = climate["feedback"][kind]["mean"]
            row[f"feedback_n.{kind}"] = climate["feedback"][kind]["count"]
            rated = climate["climate"][kind]
            row[f"climate_tense_share.{kind}"] = (round((rated["tense"] + rated["heated"]) / rated["count"], 3)
                                                  if rated["count"] else None)
            row[f"incidents.{kind}"] = climate["incidents"][kind]["total"]
        rows.append(row)
        monday += timedelta(days=7)
    return rows
