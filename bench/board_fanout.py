"""Board fan-out: call → every connected board received it, for 100 / 1,000 / 5,000 boards.

Each scenario starts the server(s) as subprocesses on a fresh database, connects the boards
with a light websocket client (bench/wsclient.py) spread over worker processes, then makes
calls and records when each board received its ``called`` event (CLOCK_MONOTONIC is shared by
all processes). Scenarios:

* ``baseline``  bare Flask-SocketIO + eventlet server that only re-emits (bench/bare_server.py);
  the call is an HTTP POST that emits.
* ``kiosk``     run_kiosk.py; a caseworker calls through its API (call-next), the relay reads the
  event log and the call reaches the boards.
* ``display``   run_display.py following the database (the separate hallway process).
* ``mq``        run_kiosk.py leads and emits through Redis (calls through its API); boards spread
  over N run_display.py.

Usage: python -m bench.board_fanout [--clients 100,1000,5000] [--rounds 20] [--quick]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path
from typing import Any, Callable

from queue_core.distribution import percentile

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config" / "demo-office.toml"
NAN = float("nan")  # a percentile of no deliveries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- servers ----------------------------------------------------------------------------------

class Server:
    def __init__(self, argv: list[str], env: dict[str, str], port: int, log: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{argv[1]} exited; see {log}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{argv[1]} did not start; see {log}")
                time.sleep(0.1)

    def rss_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def terminpraxis_env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERMINPRAXIS_")}
    env.update({"TERMINPRAXIS_DATABASE": str(db), "TERMINPRAXIS_CONFIG": str(CONFIG),
                "TERMINPRAXIS_SYNCHRONOUS": "NORMAL", "PYTHONUNBUFFERED": "1"}, **extra)
    return env


# --- board workers ----------------------------------------------------------------------------

def worker(port: int, count: int, pipe, tokens: list[str] | None = None) -> None:
    """``count`` boards on ``port``; with ``tokens``, phones following those tickets instead."""
    sys.path.insert(0, str(ROOT))
    from bench.wsclient import Swarm

    received: dict[str, list[float]] = {}
    expect = 1 if tokens else count  # a call reaches every board, and one phone

    def on_event(conn, name, data, at):
        if name == "called" or (name == "status" and data.get("state") == "called"):
            received.setdefault(data["number"], []).append(at)

    swarm = Swarm("127.0.0.1", port, namespace="/ticket" if tokens else "/board")
    try:
        swarm.open(count, on_event, queries=[f"token={t}" for t in tokens] if tokens else None)
    except Exception as error:  # report and stop
        pipe.send(("error", str(error)))
        return
    pipe.send(("ready", len(swarm.conns)))
    while True:
        if pipe.poll():
            message = pipe.recv()
            if message == "stop":
                break
            if message == "flush":  # a round timed out: hand in what arrived
                for number, times in received.items():
                    pipe.send(("got", number, times))
                received.clear()
                pipe.send(("flushed",))
        swarm.poll(on_event, 0.002)
        for number in [n for n, times in received.items() if len(times) >= expect]:
            pipe.send(("got", number, received.pop(number)))
    swarm.close()


class Boards:
    def __init__(self, ports_and_counts: list[tuple[int, int]], tokens: list[str] | None = None):
        self.parts = []
        for port, count in ports_and_counts:
            parent, child = mp.Pipe()
            mine = tokens[:count] if tokens else None
            tokens = tokens[count:] if tokens else None
            process = mp.Process(target=worker, args=(port, count, child, mine), daemon=True)
            process.start()
            self.parts.append((process, parent, count))
        for process, pipe, count in self.parts:
            if not pipe.poll(180):
                raise RuntimeError("boards did not connect within 180 s")
            message = pipe.recv()
            if message[0] != "ready":
                raise RuntimeError(f"boards failed to connect: {message[1]}")
        self.total = sum(count for _, _, count in self.parts)

    def collect(self, number: str, timeout: float = 10) -> list[float]:
        times: list[float] = []
        for _, pipe, _ in self.parts:
            if pipe.poll(timeout):
                message = pipe.recv()
                if message[0] == "got" and message[1] == number:
                    times += message[2]
                    continue
            pipe.send("flush")
            while True:
                message = pipe.recv()
                if message[0] == "flushed":
                    break
                if message[1] == number:
                    times += message[2]
        return times

    def first(self, number: str, timeout: float = 5) -> float | None:
        """When the first client of any part got ``number`` (one phone follows each ticket)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, pipe, _ in self.parts:
                while pipe.poll(0.002):
                    message = pipe.recv()
                    if message[0] == "got" and message[1] == number:
                        return min(message[2])
        return None

    def close(self) -> None:
        for process, pipe, _ in self.parts:
            pipe.send("stop")
            process.join(10)
            if process.is_alive():
                process.terminate()


class ApiCaller:
    """A caseworker calling through run_kiosk.py's API, as the issue measured it."""

    def __init__(self, url: str, db: Path, staff: str = "abraun"):
        from queue_core import Engine, Office, accounts, connect

        self.url, self.staff = url, staff
        conn = connect(db, "NORMAL")
        try:
            engine = Engine(conn, Office.from_mapping({}))
            if accounts.get_account(conn, staff) is None:
                engine.add_staff(staff, name=staff, role="staff", password="bench-pass-1")
            self.token = engine.create_token(staff)
        finally:
            conn.close()

    def post(self, path: str, body: dict | None = None) -> dict:
        import json

        request = urllib.request.Request(self.url + "/api/v1" + path, data=json.dumps(body or {}).encode(),
                                         method="POST", headers={"Content-Type": "application/json",
                                                                 "Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    def call(self, desk: str = "214") -> tuple[str, int, float]:
        """Call the next visitor; returns number, ticket id and the instant the request began."""
        t0 = time.monotonic()
        ticket = self.post(f"/desks/{desk}/call-next")["ticket"]
        return ticket["number"], ticket["id"], t0

    def finish(self, ticket_id: int) -> None:
        self.post(f"/tickets/{ticket_id}/finish", {"outcome": "done"})


# --- scenarios --------------------------------------------------------------------------------

def prepare_database(folder: Path, walk_ins: int):
    from queue_core import Engine, Office, SystemClock, connect

    with CONFIG.open("rb") as handle:
        office = Office.from_mapping({**tomllib.load(handle), "walk_in_cutoff_min": 0})
    engine = Engine(connect(folder / "bench.db", "NORMAL"), office, SystemClock())
    for _ in range(walk_ins):
        engine.walk_in("unterlagen")
    return engine


def run(scenario: str, clients: int, rounds: int, workers: int, follow_ms: int = 50, displays: int = 2,
        mq_url: str | None = None, mode: str = "eventlet") -> dict:
    folder = Path(tempfile.mkdtemp(prefix="terminpraxis-bench-"))
    servers: list[Server] = []
    engine = None
    boards = None
    try:
        python = sys.executable
        if scenario == "baseline":
            port = free_port()
            servers.append(Server([python, "bench/bare_server.py", "--port", str(port)],
                                  {**os.environ, "TERMINPRAXIS_ASYNC_MODE": mode}, port, folder / "bare.log"))
            targets = [port]
        else:
            engine = prepare_database(folder, rounds + 2)
            env = terminpraxis_env(folder / "bench.db", TERMINPRAXIS_DISPLAY_FOLLOW_INTERVAL_MS=str(follow_ms),
                                   TERMINPRAXIS_ASYNC_MODE=mode)
            if scenario == "kiosk":
                scripts = ["run_kiosk.py"]
            elif scenario == "display":
                scripts = ["run_display.py"]
            elif scenario == "mq":
                env["TERMINPRAXIS_MESSAGE_QUEUE"] = mq_url
                scripts = ["run_kiosk.py"] + ["run_display.py"] * displays
            else:
                raise ValueError(scenario)
            for script in scripts:
                port = free_port()
                servers.append(Server([python, script, "--host", "127.0.0.1", "--port", str(port)], env, port,
                                      folder / f"{script}.{port}.log"))
            targets = [s.port for s in (servers[1:] if scenario == "mq" else servers)]
        # spread the boards over the target servers and the worker processes
        shares = []
        per_target = [clients // len(targets) + (i < clients % len(targets)) for i in range(len(targets))]
        for port, count in zip(targets, per_target):
            k = max(1, round(workers * count / clients))
            shares += [(port, count // k + (i < count % k)) for i in range(k)]
        caller = ApiCaller(servers[0].url, folder / "bench.db") if scenario in ("kiosk", "mq") else None
        began = time.monotonic()
        boards = Boards(shares)
        connect_s = time.monotonic() - began
        time.sleep(1.0)
        deliveries: list[float] = []
        last: list[float] = []
        missing = 0
        for r in range(rounds):
            if scenario == "baseline":
                number = f"B {r:03d}"
                t0 = time.monotonic()
                urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{targets[0]}/trigger?number={number.replace(' ', '+')}", method="POST"),
                    timeout=10).read()
            elif caller:
                number, ticket_id, t0 = caller.call()
            else:
                call = engine.call_next("214", "abraun")
                t0 = time.monotonic()
                number, ticket_id = call.ticket.number, call.ticket.id
            times = boards.collect(number)
            missing += clients - len(times)
            if times:
                deliveries += [(t - t0) * 1000 for t in times]
                last.append((max(times) - t0) * 1000)
            if caller:
                caller.finish(ticket_id)
            elif scenario != "baseline":
                engine.finish(ticket_id)
            # let the finish update drain; the jitter makes calls land at random phases of the relay's poll
            time.sleep((0.4 if clients <= 1000 else 1.0) + random.random() * 0.1)
        rss = [s.rss_mb() for s in servers]
        return {"scenario": scenario, "clients": clients, "rounds": rounds, "connect_s": connect_s,
                "p50": percentile(deliveries, 0.5, NAN), "p99": percentile(deliveries, 0.99, NAN),
                "all_p50": percentile(last, 0.5, NAN), "all_p99": percentile(last, 0.99, NAN), "missing": missing,
                "servers": len(servers), "rss_mb": sum(rss), "follow_ms": follow_ms if scenario != "baseline" else None,
                "mode": mode}
    finally:
        if boards:
            boards.close()
        for server in servers:
            server.stop()
        if engine:
            engine.db.close()
        shutil.rmtree(folder, ignore_errors=True)


LABELS = {"baseline": "bare Flask-SocketIO (re-emit only)", "kiosk": "run_kiosk.py (relay follows DB)",
          "display": "run_display.py (follows DB)", "mq": "run_kiosk.py → Redis → run_display.py ×{n}"}


def table(results: list[dict]) -> str:
    lines = ["| server | boards | delivery p50 / p99 ms | all received p50 / p99 ms | missed | connect s | RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        label = LABELS[r["scenario"]].format(n=r["servers"] - 1) + f", {r.get('mode', 'eventlet')}"
        if r.get("follow_ms") is not None:
            label += f", poll {r['follow_ms']} ms"
        if "error" in r:
            lines.append(f"| {label} | {r['clients']:,} | failed: {r['error']} | | | | |")
            continue
        lines.append(f"| {label} | {r['clients']:,} | {r['p50']:.1f} / {r['p99']:.1f} | {r['all_p50']:.1f} / "
                     f"{r['all_p99']:.1f} | {r['missing']} | {r['connect_s']:.1f} | {r['rss_mb']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Board fan-out benchmark")
    parser.add_argument("--clients", default="100,1000,5000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--follow-ms", type=int, default=20,
                        help="the relay's poll interval (DISPLAY_FOLLOW_INTERVAL_MS; shipped default 20)")
    parser.add_argument("--scenarios", default="baseline,kiosk,display,mq")
    parser.add_argument("--modes", default="eventlet,gevent", help="async modes to compare")
    parser.add_argument("--mq", default=os.environ.get("TERMINPRAXIS_BENCH_REDIS_URL") or os.environ.get("TERMINPRAXIS_TEST_REDIS_URL", ""),
                        help="redis:// URL for the message-queue scenario (skipped without)")
    args = parser.parse_args(argv or [])
    counts = [int(c) for c in args.clients.split(",")]
    scenarios = args.scenarios.split(",")
    print(f"## Board fan-out ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})", flush=True)
    plan = []
    for count in counts:
        for scenario in scenarios:
            if scenario == "display" and count != counts[0]:
                continue  # the follow latency is measured once, at the smallest size
            if scenario == "mq" and (not args.mq or count < 5000):
                continue
            plan += [(scenario, count, mode) for mode in args.modes.split(",")]

    def attempt(step: tuple[str, int, str]) -> dict:
        scenario, count, mode = step
        rounds = args.rounds if count <= 1000 else max(5, args.rounds // 2)
        return run(scenario, count, rounds, args.workers, follow_ms=args.follow_ms, mq_url=args.mq or None, mode=mode)

    run_plan(plan, attempt, lambda step, error: {"scenario": step[0], "clients": step[1], "error": error,
                                                 "servers": 1, "mode": step[2]}, table)


def run_plan(plan: list, attempt: Callable[[Any], dict], failed: Callable[[Any, str], dict],
             table: Callable[[list[dict]], str]) -> None:
    """Run each step of a benchmark, print its row as it comes and the whole table at the end; a
    step that fails becomes a row with its error, so one broken scenario does not lose the others."""
    results = []
    for step in plan:
        try:
            result = attempt(step)
        except Exception as error:
            result = failed(step, str(error)[:80])
        results.append(result)
        print(table([result]).splitlines()[-1], flush=True)
    print()
    print(table(results), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
