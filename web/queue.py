"""The Redis message queue as the relay needs it: failures seen, not swallowed; calls once.

python-socketio's RedisManager logs a failed publish and drops it, and its listener waits up to a
minute between reconnects. Here a failed publish is noted in ``failed`` (the relay then keeps its
log position and serves its own clients from the log), a message to a client of this process
does not go through Redis at all, the listener retries twice a second and
says whether it is subscribed, and a ``called`` message that a process already delivered (the
new leader republishes what the old one may have sent) is dropped on arrival.

Each office location has its own channel, so the locations of a city can share one Redis.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

import socketio
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)
RETRY_S = 0.5
DEDUPED = ("called",)  # must never reach a board twice; other messages are idempotent states


def channel_for(location: str) -> str:
    return f"terminpraxis:{location}"


class RelayQueue(socketio.RedisManager):
    """RedisManager with honest failures, quick reconnects and ``called`` delivered once."""

    def __init__(self, url: str, channel: str, write_only: bool = False):
        # One quick try: a dead queue must not stall the relay; the relay itself retries.
        options = {"socket_connect_timeout": RETRY_S, "retry": Retry(NoBackoff(), 0)}
        super().__init__(url, channel=channel, write_only=write_only, redis_options=options)
        self.subscribed = False
        self.failed = False  # a publish failed since the relay last looked
        self.local_only = False  # queue down: emit to this process's clients only
        self.latest_seq = 0  # the highest seq any message of this location carried (boards' heartbeat)
        self._delivered: dict[tuple[str, str | None], int] = {}
        self._lock = threading.Lock()

    # --- publishing ------------------------------------------------------------------------
    def _publish(self, data: Any):
        """One try; a failure is noted for the relay (which then serves from the log), not raised:
        the message was already handed to this process's own clients."""
        try:
            if not self.connected:
                self._redis_connect()
            return self.redis.publish(self.channel, self.json.dumps(data))
        except Exception as error:
            self.connected = False
            if not self.failed:
                logger.error("message queue: publish failed (%s); serving from the log", error)
            self.failed = True
            return None

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        target = to or room
        if isinstance(target, str) and (self.is_connected(target, namespace or "/")
                                        or self.is_pre_connected(target, namespace or "/")):
            kwargs["ignore_queue"] = True  # a client of this process (a snapshot on connect): no need for Redis
        elif self.local_only:
            # Remembered like a message from the queue, so the leader's repeat after the outage is dropped.
            if not self._fresh(event, data, namespace or "/", target):
                return None
            kwargs["ignore_queue"] = True
        return super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid,
                            callback=callback, to=to, **kwargs)

    def healthy(self) -> bool:
        """This process hears the channel (so it gets what the leader publishes)."""
        return self.subscribed

    # --- receiving -------------------------------------------------------------------------
    def _redis_listen_with_retries(self):
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                self.subscribed = True
                yield from self.pubsub.listen()
            except Exception as error:
                if self.subscribed:
                    logger.error("message queue lost (%s); retrying every %.1f s", error, RETRY_S)
                self.subscribed = False
                time.sleep(RETRY_S)

    def _handle_emit(self, message: dict[str, Any]):
        data = message.get("data")
        payload = data[0] if isinstance(data, list) and data else None
        if not self._fresh(message.get("event"), payload, message.get("namespace"), message.get("room")):
            return None
        return super()._handle_emit(message)

    def _fresh(self, event: str | None, payload: Any, namespace: str | None, room: str | None) -> bool:
        """Note the message's seq; False for a ``called`` this process has already delivered."""
        seq = payload.get("seq") if isinstance(payload, dict) else None
        if not isinstance(seq, int):
            return True
        with self._lock:
            self.latest_seq = max(self.latest_seq, seq)
            if event not in DEDUPED:
                return True
            key = (f"{namespace}:{event}", room)
            if self._delivered.get(key, -1) >= seq:
                return False
            self._delivered[key] = seq
            return True
