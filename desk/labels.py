"""What staff read instead of internal keys: appointment and ticket states, error codes, names.

One table each, used by the templates (context processor) and handed to the pages' scripts as
JSON, so the day list never shows ``checked_in`` and an error never arrives in English.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

STATES = {
    "booked": _l("gebucht"), "checked_in": _l("angemeldet"), "cancelled": _l("abgesagt"),
    "missed": _l("nicht gekommen"), "by_post": _l("per Post erledigt"), "closed": _l("abgeschlossen"),
    "waiting": _l("wartet"), "called": _l("aufgerufen"), "serving": _l("im Gespräch"), "done": _l("fertig"),
    "no_show": _l("nicht erschienen"),
}
ERRORS = {
    "desk_paused": _l("Der Platz ist in Pause. Bitte erst die Pause beenden."),
    "desk_busy": _l("Bitte erst die aktuelle Nummer abschließen."),
    "invalid_transition": _l("Das geht im jetzigen Stand nicht mehr (die Anzeige wird aktualisiert)."),
    "not_found": _l("Nicht gefunden – vielleicht schon erledigt."),
    "forbidden": _l("Dafür fehlt die Berechtigung."),
    "slot_taken": _l("Diese Zeit ist inzwischen vergeben. Bitte eine andere wählen."),
    "invalid": _l("Die Eingabe passt nicht. Bitte prüfen."),
    "csrf": _l("Die Seite ist abgelaufen. Bitte neu laden."),
}

MESSAGES = {
    "confirm_no_show": _l("Wirklich „nicht erschienen“? Zum Bestätigen X noch einmal drücken (oder die Taste erneut klicken)."),
    "no_show_done": _l("%(number)s als nicht erschienen vermerkt."),
    "undo": _l("Rückgängig"),
    "undone": _l("%(number)s wartet wieder."),
}


def state_label(state: str | None) -> str:
    return str(STATES.get(state or "", state or "–"))


def staff_name(office: Any, username: str | None) -> str:
    """A caseworker's name as the office writes it; unknown usernames stay as they are."""
    if not username:
        return "–"
    found = office.staff.get(username)
    return found.name if found else username


def page_texts() -> dict[str, dict[str, str]]:
    """For the pages' scripts (``<script type="application/json">``)."""
    return {name: {k: str(v) for k, v in table.items()}
            for name, table in (("states", STATES), ("errors", ERRORS), ("messages", MESSAGES))}


def init_app(app: Flask) -> None:
    @app.context_processor
    def labels_context() -> dict[str, Any]:
        return {"state_label": state_label, "staff_name": staff_name, "desk_texts": page_texts}
