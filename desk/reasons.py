"""The desk's words for the policy's answers: why this visitor was called, why nobody is callable,
and whether the desk meets the visitor's needs (in the staff's language)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _, ngettext

from queue_core import Engine, needs
from queue_core.models import Reason, Ticket
from queue_core.policy import Idle

from . import queries


def reason_json(engine: Engine, reason: Reason) -> dict[str, Any]:
    """Why the policy chose this visitor, with the desk's sentence for it."""
    starts = queries.local_hm(engine, reason.starts_at)
    fits = queries.local_hm(engine, reason.fits_before)
    texts = {
        "appointment_due": _("Termin %(time)s, fällig", time=starts),
        "appointment_early": _("Termin %(time)s, früh da – sonst keiner wartet", time=starts),
        "walk_in_fits": _("ohne Termin, passt sehr wahrscheinlich vor %(time)s", time=fits),
        "walk_in": _("ohne Termin, der Reihe nach"),
        "walk_in_urgent": (_("ohne Termin, dringend, passt vor %(time)s", time=fits) if fits
                           else _("ohne Termin, dringend")),
        "override": _("gezielter Aufruf: %(note)s", note=reason.note or ""),
    }
    return {"code": reason.code, "starts_at": starts, "fits_before": fits, "note": reason.note,
            "text": texts.get(reason.code, reason.code)}


def idle_json(engine: Engine, idle: Idle | None) -> dict[str, Any] | None:
    """Why nobody is callable, in words for the desk (None when someone is)."""
    if idle is None:
        return None
    before = queries.local_hm(engine, idle.before)
    if idle.code == "none_fits":
        text = ngettext("%(num)s Person ohne Termin wartet; sie passt nicht vor Ihren Termin um %(time)s"
                        " (sie braucht etwa %(min)s min).",
                        "%(num)s Personen ohne Termin warten; keine passt vor Ihren Termin um %(time)s"
                        " (die kürzeste braucht etwa %(min)s min).", idle.waiting, time=before,
                        min=idle.shortest_min)
        if idle.for_colleagues:
            text += " " + ngettext("%(num)s weitere wartet auf Kolleginnen und Kollegen.",
                                   "%(num)s weitere warten auf Kolleginnen und Kollegen.", idle.for_colleagues)
    elif idle.code == "for_colleagues":
        text = ngettext("%(num)s Person ohne Termin wartet, aber für Kolleginnen und Kollegen (anderes"
                        " Anliegen, andere Buchstaben oder gezielt weitergeleitet).",
                        "%(num)s Personen ohne Termin warten, aber für Kolleginnen und Kollegen (andere"
                        " Anliegen, andere Buchstaben oder gezielt weitergeleitet).", idle.for_colleagues)
    else:
        text = _("Niemand wartet auf Sie.")
    return {"code": idle.code, "waiting": idle.waiting, "for_colleagues": idle.for_colleagues,
            "before": before, "shortest_min": idle.shortest_min, "text": text}


def with_needs(engine: Engine, reason: dict[str, Any], ticket: Ticket, desk: str) -> dict[str, Any]:
    """The reason text says when the visitor has needs: met by this desk, or (an override) which not."""
    if not (ticket.needs or ticket.interpreter):
        return reason
    missing = needs.unmet(engine.office, desk, ticket.needs)
    if missing:
        note = _("Achtung, dieser Platz bietet nicht: %(needs)s",
                 needs=", ".join(queries.need_labels()[n] for n in missing))
    else:
        note = _("Bedarf: %(needs)s – dieser Platz passt", needs=queries.needs_text(ticket.needs, ticket.interpreter))
    return {**reason, "needs": queries.needs_text(ticket.needs, ticket.interpreter),
            "text": f"{reason['text']} · {note}"}
