"""/reports compares the locations: the key figures of the period side by side, one row each.

Each location is evaluated with its own office (its services, desks and hours), exactly as its
own /reports would show it; the comparison only picks the figures an office lead compares.
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from queue_core import facts, stats
from queue_core.office import Office
from web.engine import get_engine, registry


def _registry():
    return registry(current_app._get_current_object(), get_engine().db)


def choices() -> list[str]:
    """Every location the selector offers: the configured and added ones, and any in the history."""
    found = list(_registry().locations)
    return found + [slug for slug in facts.locations(get_engine().db) if slug not in found]


def office_for(period: facts.Period) -> Office:
    """The office a period is evaluated with: its location's, else this page's."""
    offices = _registry().offices
    return offices.get(period.location or "", get_engine().office)


def comparison(period: facts.Period) -> list[dict[str, Any]]:
    """One row of key figures per location for ``period`` (empty with a single location)."""
    found = _registry()
    if len(found.locations) < 2:
        return []
    db = get_engine().db
    rows = []
    for place in found.locations.values():
        summary = stats.evaluate(db, found.offices[place.slug],
                                 facts.make_period(period.first, period.last, place.slug))["summary"]
        rows.append({
            "slug": place.slug, "name": place.name, "active": place.active,
            "served": summary["served"]["total"], "served_appointment": summary["served"]["appointment"],
            "served_walk_in": summary["served"]["walk_in"],
            "wait_appointment_median": summary["waits"]["appointment"]["median"],
            "wait_walk_in_median": summary["waits"]["walk_in"]["median"],
            "wait_walk_in_p90": summary["waits"]["walk_in"]["p90"],
            "punctual_share": summary["punctuality"]["share"], "no_shows": summary["no_shows"]["total"],
            "intake_stops": summary["intake_stops"]["count"],
        })
    return rows
