"""The surname letter an office files a visitor under, folded once for every surface.

The desk's booking page sends the typed letter to the server instead of folding it in the script,
so "Ä" → "A" is decided here only.
"""
from __future__ import annotations

import unicodedata

from .errors import InvalidInput

# Letters that NFKD does not take apart into a base letter and a mark.
_WHOLE = {"Ø": "O", "Æ": "A", "Ł": "L"}


def normalise_initial(initial: str | None) -> str | None:
    """The surname's first letter as the office files it: upper case, accents folded (Ä→A, Ğ→G, Ø→O)."""
    if initial is None or str(initial).strip() == "":
        return None
    letter = str(initial).strip()[0].upper()
    letter = _WHOLE.get(letter, unicodedata.normalize("NFKD", letter)[:1])
    if not ("A" <= letter <= "Z"):
        raise InvalidInput("the initial must be a letter A–Z", field="initial")
    return letter


def initial_or_none(text: str | None) -> str | None:
    """The folded first letter of ``text``, or None where it is no Latin letter (no proposal then)."""
    try:
        return normalise_initial(text)
    except InvalidInput:
        return None
