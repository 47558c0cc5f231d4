"""First import of a runner: choose the async mode and monkey-patch for it (stdlib only here).

eventlet (the default) and gevent must patch the standard library before Flask, Flask-SocketIO or
redis are imported. The mode comes from TERMINPRAXIS_ASYNC_MODE, else ``async_mode`` in the
TOML file of TERMINPRAXIS_CONFIG, else eventlet; it is put back into the environment so the app
uses the mode that was patched for.
"""
from __future__ import annotations

import os
import tomllib

MODES = ("eventlet", "gevent", "threading")


def chosen_mode() -> str:
    mode = os.environ.get("TERMINPRAXIS_ASYNC_MODE")
    path = os.environ.get("TERMINPRAXIS_CONFIG")
    if not mode and path:
        try:
            with open(path, "rb") as handle:
                mode = {k.lower(): v for k, v in tomllib.load(handle).items()}.get("async_mode")
        except (OSError, tomllib.TOMLDecodeError):
            mode = None  # the app reports the broken file properly
    return str(mode or "eventlet")


def patch() -> str:
    mode = chosen_mode()
    if mode not in MODES:
        raise SystemExit(f"terminpraxis: configuration error: async_mode must be one of {', '.join(MODES)}")
    os.environ["TERMINPRAXIS_ASYNC_MODE"] = mode
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    return mode
