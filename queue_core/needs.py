"""Visitors' needs: an interpreter (with the language), a barrier-free room, room for an
accompanying person, a quiet room.

Needs are personal data (they can reveal health or origin): they live on the appointment and the
ticket only, never in an event or on a public surface, and the retention purge erases them.
The room needs decide where a ticket may be called: the policy (``policy.for_desk``) calls a
ticket only to a desk whose ``capabilities`` (office configuration, ``[[desks]]``) include all of
them. The interpreter is for the caseworker's preparation; it needs no particular desk.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from .errors import InvalidInput

if TYPE_CHECKING:
    from .office import Office

INTERPRETER = "interpreter"
ROOM_NEEDS = ("barrier_free", "companion", "quiet_room")
NEEDS = (INTERPRETER, *ROOM_NEEDS)
LANGUAGE_MAX = 40


def clean(needs: Any, interpreter: Any = None, office: "Office | None" = None) -> tuple[str | None, str | None]:
    """Stored form of stated needs: (room needs as "a,b" sorted, or None; interpreter language or None).

    An interpreter need without a language is refused; so is, with ``office``, a room need no desk
    of the office meets (nobody could ever be called for it).
    """
    if needs is None or needs == "":
        chosen: set[str] = set()
    elif isinstance(needs, str):
        chosen = {n.strip() for n in needs.split(",") if n.strip()}
    elif isinstance(needs, (list, tuple, set, frozenset)) and all(isinstance(n, str) for n in needs):
        chosen = set(needs)
    else:
        raise InvalidInput("needs must be a list of: " + ", ".join(NEEDS), field="needs")
    unknown = chosen - set(NEEDS)
    if unknown:
        raise InvalidInput(f"unknown need {sorted(unknown)[0]!r}; one of " + ", ".join(NEEDS), field="needs")
    language = interpreter.strip() if isinstance(interpreter, str) else interpreter
    if language is not None and (not isinstance(language, str) or len(language) > LANGUAGE_MAX):
        raise InvalidInput("the interpreter's language must be a short text", field="interpreter")
    if INTERPRETER in chosen and not language:
        raise InvalidInput("name the language for the interpreter", field="interpreter")
    if language and INTERPRETER not in chosen:
        chosen.add(INTERPRETER)
    room = sorted(chosen & set(ROOM_NEEDS))
    if office is not None:
        missing = [n for n in room if n not in offered(office)]
        if missing:
            raise InvalidInput(f"no desk of this office offers {missing[0]!r}", field="needs", need=missing[0])
    return (",".join(room) or None), (language or None)


def offered(office: "Office") -> tuple[str, ...]:
    """The room needs at least one desk of the office meets (what the kiosk and booking offer)."""
    met = set().union(*(d.capabilities for d in office.desks.values())) if office.desks else set()
    return tuple(n for n in ROOM_NEEDS if n in met)


def room_needs(stored: str | None) -> tuple[str, ...]:
    return tuple(n for n in (stored or "").split(",") if n)


def capabilities(raw: Any) -> frozenset[str]:
    """A desk's ``capabilities`` from the configuration: a list (or "a, b") of room needs it meets."""
    if raw in (None, ""):
        return frozenset()
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise InvalidInput("a desk's capabilities are a list of: " + ", ".join(ROOM_NEEDS), field="capabilities")
    found = frozenset(i.strip() for i in items if i.strip())
    unknown = found - set(ROOM_NEEDS)
    if unknown:
        raise InvalidInput(f"unknown desk capability {sorted(unknown)[0]!r}; one of " + ", ".join(ROOM_NEEDS),
                           field="capabilities")
    return found


def unmet(office: "Office", desk: str | None, stored: str | None) -> list[str]:
    """The ticket's room needs this desk does not meet (an override call is warned with them)."""
    found = office.desks.get(desk or "")
    caps = found.capabilities if found else frozenset()
    return [n for n in room_needs(stored) if n not in caps]


def merged(needs: Iterable[str], interpreter: str | None) -> list[str]:
    """Every stated need of a ticket or appointment, interpreter included, in the fixed order."""
    chosen = set(needs) | ({INTERPRETER} if interpreter else set())
    return [n for n in NEEDS if n in chosen]
