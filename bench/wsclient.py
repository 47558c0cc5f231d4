"""A light Engine.IO/Socket.IO websocket client for thousands of boards in one process.

Raw non-blocking sockets and one selector: no thread per message (python-socketio's sync client
collapses at a few hundred clients, see stack-notes). Speaks just enough of the protocol: the
websocket handshake, Engine.IO v4 open/ping/pong, Socket.IO namespace connect and events.
"""
from __future__ import annotations

import base64
import json
import os
import selectors
import socket
import struct
import time
from typing import Callable


def _frame(text: str) -> bytes:
    """A masked text frame (client → server)."""
    payload = text.encode()
    mask = os.urandom(4)
    n = len(payload)
    header = bytes([0x81])
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 65536:
        header += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        header += bytes([0x80 | 127]) + struct.pack(">Q", n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


class Conn:
    def __init__(self, host: str, port: int, path: str, namespace: str):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buffer = b""
        self.namespace = namespace
        self.handshaken = False
        self.joined = False
        self.sock.setblocking(False)

    def send(self, text: str) -> None:
        data = _frame(text)
        self.sock.setblocking(True)
        try:
            self.sock.sendall(data)
        finally:
            self.sock.setblocking(False)

    def feed(self, data: bytes) -> list[str]:
        """Bytes in, complete text messages out."""
        self.buffer += data
        messages = []
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return messages
            if b" 101 " not in self.buffer[:end].split(b"\r\n")[0]:
                raise ConnectionError(self.buffer[:end].decode(errors="replace"))
            self.buffer = self.buffer[end + 4:]
            self.handshaken = True
        while len(self.buffer) >= 2:
            b1 = self.buffer[1]
            n, offset = b1 & 0x7F, 2
            if n == 126:
                if len(self.buffer) < 4:
                    break
                n, offset = struct.unpack(">H", self.buffer[2:4])[0], 4
            elif n == 127:
                if len(self.buffer) < 10:
                    break
                n, offset = struct.unpack(">Q", self.buffer[2:10])[0], 10
            if len(self.buffer) < offset + n:
                break
            opcode = self.buffer[0] & 0x0F
            payload = self.buffer[offset:offset + n]
            self.buffer = self.buffer[offset + n:]
            if opcode == 1:
                messages.append(payload.decode())
            elif opcode == 8:
                raise ConnectionError("closed by server")
        return messages


class Swarm:
    """Many /board connections on one selector; ``on_event(conn, name, data, t)`` for each event."""

    def __init__(self, host: str, port: int, namespace: str = "/board", query: str = ""):
        self.host, self.port, self.namespace = host, port, namespace
        self.query = query
        self.selector = selectors.DefaultSelector()
        self.conns: list[Conn] = []
        self.errors = 0

    def path(self, query: str = "") -> str:
        query = "&".join(q for q in (self.query, query) if q)
        return f"/socket.io/?EIO=4&transport=websocket{('&' + query) if query else ''}"

    def open(self, count: int, on_event: Callable, batch: int = 200, timeout: float = 120,
             queries: list[str] | None = None) -> None:
        """Open ``count`` connections (in batches, so the server's accept queue keeps up) and wait
        until all joined; ``queries`` gives each connection its own query (a phone's token)."""
        deadline = time.monotonic() + timeout
        while len(self.conns) < count:
            for _ in range(min(batch, count - len(self.conns))):
                query = queries[len(self.conns)] if queries else ""
                conn = Conn(self.host, self.port, self.path(query), self.namespace)
                self.conns.append(conn)
                self.selector.register(conn.sock, selectors.EVENT_READ, conn)
            while sum(c.joined for c in self.conns) < len(self.conns) and time.monotonic() < deadline:
                self.poll(on_event, 0.05)
        if sum(c.joined for c in self.conns) < count:
            raise RuntimeError(f"only {sum(c.joined for c in self.conns)} of {count} boards connected")

    def poll(self, on_event: Callable, timeout: float) -> None:
        for key, _ in self.selector.select(timeout):
            conn: Conn = key.data
            try:
                data = conn.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                self.selector.unregister(conn.sock)
                self.errors += 1
                continue
            now = time.monotonic()
            for message in conn.feed(data):
                self._handle(conn, message, now, on_event)

    def _handle(self, conn: Conn, message: str, now: float, on_event: Callable) -> None:
        if message.startswith("0"):        # Engine.IO open: join the namespace
            conn.send(f"40{self.namespace},")
        elif message == "2":               # ping → pong
            conn.send("3")
        elif message.startswith("40"):
            conn.joined = True
        elif message.startswith("42"):
            body = message[2:]
            if body.startswith(self.namespace + ","):
                body = body[len(self.namespace) + 1:]
            name, *args = json.loads(body)
            on_event(conn, name, args[0] if args else None, now)

    def close(self) -> None:
        for conn in self.conns:
            try:
                self.selector.unregister(conn.sock)
            except (KeyError, ValueError):
                pass
            conn.sock.close()
        self.conns = []
