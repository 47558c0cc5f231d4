"""A page's thing looked up by the key in its address, or the 404 page: one rule for every surface."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import abort

from queue_core.errors import NotFound

_Found = TypeVar("_Found")


def or_404(lookup: Callable[[str], _Found], key: str, longest: int | None = None) -> _Found:
    """What ``lookup`` finds for ``key``; 404 when it finds nothing or the key is empty or longer than
    ``longest`` (too long to be one, so never sent to the database)."""
    if not key or (longest is not None and len(key) > longest):
        abort(404)
    try:
        return lookup(key)
    except NotFound:
        abort(404)
