"""Appointment codes people can type, and tokens nobody can guess."""
from __future__ import annotations

import hashlib
import hmac
import secrets

# 32 symbols without 0/O and 1/I: 5 bits each, so 8 symbols carry 40 bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str | None:
    """What a person or a scanner typed → the stored form, or None if it cannot be a code."""
    if not isinstance(typed, str):
        return None
    code = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def format_code(code: str) -> str:
    """Grouped for reading aloud and typing: K7M4-QXZ9."""
    return f"{code[:4]}-{code[4:]}"


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def same_code(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_token() -> str:
    """128 bits for the visitor's phone status page."""
    return secrets.token_urlsafe(16)
