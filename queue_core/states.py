"""The words the queue is written in: ticket states, appointment states and event kinds.

``StrEnum`` members are equal to their text (``TicketState.CALLED == "called"``), so a row read
from the database, a JSON payload or a template compares with them as before; new code names the
member and a typo fails at import instead of never matching. Templates get them as Jinja globals
and scripts as ``GET /states.json`` (``web/states.py``), both from here.
"""
from __future__ import annotations

from enum import StrEnum


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class AppointmentState(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    MISSED = "missed"
    BY_POST = "by_post"


class EventKind(StrEnum):
    """Every kind of event the engine's commands append to the log."""
    APPOINTMENT_BOOKED = "appointment_booked"
    APPOINTMENT_REBOOKED = "appointment_rebooked"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    APPOINTMENT_BY_POST = "appointment_by_post"
    APPOINTMENT_MISSED = "appointment_missed"
    NO_VISIT_NEEDED = "no_visit_needed"
    CHECKED_IN = "checked_in"
    WALKED_IN = "walked_in"
    INTAKE_STOPPED = "intake_stopped"
    CALLED = "called"
    RECALLED = "recalled"
    STARTED = "started"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    REQUEUED = "requeued"
    TRANSFERRED = "transferred"
    TICKET_CANCELLED = "ticket_cancelled"
    DESK_PAUSED = "desk_paused"
    DESK_RESUMED = "desk_resumed"
    DESK_STAFFED = "desk_staffed"
    SETTINGS_CHANGED = "settings_changed"
    PURGED = "purged"
    PERSONAL_DATA_READ = "personal_data_read"
    PRINTER_ERROR = "printer_error"
    MARKED_URGENT = "marked_urgent"
    FEEDBACK_GIVEN = "feedback_given"
    CLIMATE_NOTED = "climate_noted"
    ABSENCE_MARKED = "absence_marked"
    APPOINTMENT_REASSIGNED = "appointment_reassigned"
    APPOINTMENT_TO_CALL = "appointment_to_call"  # an absence left it without a colleague: call the visitor
    RESTORED = "restored"
    LOCATION_ADDED = "location_added"
    LOCATION_CHANGED = "location_changed"
    STAFF_LOCATIONS_CHANGED = "staff_locations_changed"
    # Staff accounts (queue_core/accounts.py): the account's username and what changed, no secret.
    ACCOUNT_SAVED = "account_saved"
    ACCOUNTS_SYNCED = "accounts_synced"
    ROLE_CHANGED = "role_changed"
    ACCOUNT_RENAMED = "account_renamed"
    PASSWORD_RESET = "password_reset"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_ENABLED = "account_enabled"
    TOKEN_CREATED = "token_created"
    SESSIONS_ENDED = "sessions_ended"


# Tickets on their way to a desk: the board and the phone page show them as called.
CALLED_STATES = (TicketState.CALLED, TicketState.SERVING)


def vocabulary() -> dict[str, dict[str, str]]:
    """All three as plain JSON ({"ticket_states": {"CALLED": "called", …}, …}) for scripts."""
    return {name: {member.name: member.value for member in enum}
            for name, enum in (("ticket_states", TicketState), ("appointment_states", AppointmentState),
                               ("event_kinds", EventKind))}
