"""Extension objects created once; create_app() binds them (Flask-SocketIO-Chat style)."""
from __future__ import annotations

import time

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO

socketio = SocketIO()

# Every rate limit of the product (wrong kiosk codes, wrong passwords). In memory, per server
# process: a kiosk or a desk talks to one server. The address is the TCP peer, never a forwarded
# header, so a client cannot pick its own key.
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", strategy="moving-window")


def retry_after() -> int:
    """Seconds until the limit that was just hit lets the next attempt through (at least 1)."""
    try:
        limit = limiter.current_limit
        if limit is not None:
            return max(1, int(limit.reset_at - time.time()) + 1)
    except Exception:  # pragma: no cover - the storage answers from memory
        pass
    return 60
