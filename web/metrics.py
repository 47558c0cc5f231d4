"""``GET /metrics``: the office's figures for Prometheus, with the official client library.

The office's figures (waiting, waits, service times, calls, intake stops) are read from the
database at each scrape (``queue_core.monitoring``), so every process reports the same. What
belongs to one process is measured here: its connected boards, phones and desks, its relay's
lag and its request latencies (Prometheus labels each process as its own ``instance``).
No personal data: labels are services, kinds, zones, routes (the pattern, e.g. ``/t/<token>``,
never a token) and status codes.

Access: from the addresses in ``METRICS_ALLOW`` (default: this machine only), or with an admin's
API token (``Authorization: Bearer``).
"""
from __future__ import annotations

import ipaddress
import time
from typing import Any, Iterable, Iterator

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.utils import floatToGoString
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric

from queue_core.board import room_name, zones
from queue_core import monitoring

from .api import error
from .auth import current_user, has_role
from .config import ConfigError, settings
from .engine import get_engine
from .extensions import socketio
from .realtime import relay

bp = Blueprint("metrics", __name__)

WAIT_BUCKETS = (60, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200)
SERVICE_BUCKETS = (120, 300, 600, 900, 1200, 1800, 2700, 3600)
NAMESPACES = {"board": "/board", "phone": "/ticket", "desk": "/desk"}
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def allowed_networks(value: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``METRICS_ALLOW`` as networks: a list or a comma-separated text of addresses / CIDR blocks."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    try:
        return [ipaddress.ip_network(str(item).strip(), strict=False) for item in items if str(item).strip()]
    except ValueError as err:
        raise ConfigError(f"metrics_allow: {err}") from None


def _histogram(name: str, documentation: str, label: str, samples: dict[str, list[float]],
               buckets: Iterable[float], location: str) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, documentation, labels=["location", label])
    for key, values in sorted(samples.items()):
        cumulative = [(floatToGoString(le), float(sum(1 for v in values if v <= le))) for le in buckets]
        family.add_metric([location, key], cumulative + [("+Inf", float(len(values)))], sum_value=sum(values))
    return family


class OfficeCollector:
    """Builds the office's and this process's metrics at each scrape (inside the request)."""

    def collect(self) -> Iterator[Metric]:
        engine = get_engine()
        office, now = engine.office, engine.now()
        day = monitoring.today(engine.db, office, now)
        loc = day.location
        gauge = GaugeMetricFamily("terminpraxis_office_open", "1 while the office is open by its hours",
                                  labels=["location"])
        gauge.add_metric([loc], 1.0 if day.open_now else 0.0)
        yield gauge
        waiting = GaugeMetricFamily("terminpraxis_waiting_tickets", "Tickets waiting now",
                                    labels=["location", "service", "kind"])
        for (service, kind), count in sorted(day.waiting.items()):
            waiting.add_metric([loc, service, kind], count)
        yield waiting
        yield _histogram("terminpraxis_wait_seconds", "Today: check-in to first call", "kind",
                         day.waits_s, WAIT_BUCKETS, loc)
        yield _histogram("terminpraxis_service_seconds", "Today: start of service to its end", "service",
                         day.service_s, SERVICE_BUCKETS, loc)
        calls = GaugeMetricFamily("terminpraxis_calls_today", "Calls and recalls today",
                                  labels=["location", "call"])
        for kind, count in sorted(day.calls.items()):
            calls.add_metric([loc, kind], count)
        yield calls
        stops = GaugeMetricFamily(
            "terminpraxis_intake_stopped_before_close_seconds",
            "Today's stop of walk-in intake per reason: seconds before the end of that opening", labels=["location", "reason"])
        for stop in day.stops:
            stops.add_metric([loc, stop.reason], stop.before_close_s)
        yield stops
        yield from self._connections(office, loc)
        if relay.running and relay.role != "upstream":  # this process reads the log itself
            lag = monitoring.relay_lag(engine.db, relay.seq, now)
            pending = GaugeMetricFamily("terminpraxis_relay_pending_events",
                                        "Events in the log this process has not emitted yet")
            pending.add_metric([], lag.pending)
            yield pending
            seconds = GaugeMetricFamily("terminpraxis_relay_lag_seconds",
                                        "Age of the oldest event this process has not emitted yet")
            seconds.add_metric([], lag.seconds)
            yield seconds

    def _connections(self, office, loc: str) -> Iterator[Metric]:
        manager = socketio.server.manager
        clients = GaugeMetricFamily("terminpraxis_connected_clients", "Socket.IO clients connected to this process",
                                    labels=["client"])
        for client, namespace in NAMESPACES.items():
            clients.add_metric([client], _count(manager, namespace, None))
        yield clients
        boards = GaugeMetricFamily("terminpraxis_boards_connected",
                                   "Hallway boards connected to this process, per zone ('all': the whole-house board)",
                                   labels=["location", "zone"])
        for zone in [None, *zones(office)]:
            boards.add_metric([loc, zone or "all"], _count(manager, NAMESPACES["board"], room_name(zone)))
        yield boards


def _count(manager: Any, namespace: str, room: str | None) -> int:
    return sum(1 for _ in manager.get_participants(namespace, room))


def _allowed() -> Response | None:
    """None when the caller may read the metrics, else the refusal."""
    if request.headers.get("Authorization"):
        user = current_user()
        if user is None:
            response, status = error(401, "unauthorized", "unknown or disabled API token")
            response.headers["WWW-Authenticate"] = 'Bearer realm="terminpraxis"'
            return response, status
        return None if has_role(user, "admin") else error(403, "forbidden", "metrics need an admin's token")
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        address = None
    if address is not None and any(address in net for net in current_app.extensions["metrics"]["allow"]):
        return None
    response, status = error(401, "unauthorized", "metrics are open to the configured addresses"
                                                  " (metrics_allow) or an admin's bearer token")
    response.headers["WWW-Authenticate"] = 'Bearer realm="terminpraxis"'
    return response, status


@bp.get("/metrics")
def metrics():
    refusal = _allowed()
    if refusal is not None:
        return refusal
    registry = current_app.extensions["metrics"]["registry"]
    # Text format, or OpenMetrics when the scraper asks for it.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encode(registry), headers={"Content-Type": content_type})


def init_app(app: Flask) -> None:
    """Register /metrics and time every request (per app: the tests build many apps)."""
    registry = CollectorRegistry()
    registry.register(OfficeCollector())
    latency = Histogram("terminpraxis_http_request_duration_seconds", "Time to answer a request",
                        ["method", "route", "status"], registry=registry)
    app.extensions["metrics"] = {"registry": registry, "allow": allowed_networks(settings(app).metrics_allow)}

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            # Labels from a bounded set only: a client's odd method or URL must not add series.
            route = request.url_rule.rule if request.url_rule else "unmatched"
            method = request.method if request.method in METHODS else "other"
            latency.labels(method, route, str(response.status_code)).observe(time.perf_counter() - started)
        return response

    app.register_blueprint(bp)
