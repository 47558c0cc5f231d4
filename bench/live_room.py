"""A full waiting room: boards and phones following their tickets, calls through the API.

Scenarios (each on a fresh database with a line of walk-ins, one phone per ticket):

* ``room``  run_kiosk.py alone: 20 boards and 300 phones. Goal: call → all boards p99 ≤ 50 ms,
  → the called visitor's phone p99 ≤ 100 ms.
* ``mq``    two run_kiosk.py on Redis (one leads), boards and phones spread over both; calls go
  to the first one's API. Reports memory per connection as well.

Each scenario runs under every async mode asked for (``--modes eventlet,gevent``).
Usage: python -m bench.live_room [--boards 20] [--phones 300] [--rounds 20] [--modes eventlet,gevent]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.board_fanout import (NAN, ApiCaller, Boards, Server, free_port, prepare_database,
                                run_plan, terminpraxis_env)
from queue_core.distribution import percentile


def run(scenario: str, boards: int, phones: int, rounds: int, mode: str, mq_url: str | None = None) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="terminpraxis-room-"))
    servers: list[Server] = []
    swarm = phone_swarm = None
    try:
        engine = prepare_database(folder, 0)
        tokens = [engine.walk_in("unterlagen").ticket.token for _ in range(max(phones, rounds + 2))]
        engine.db.close()
        env = terminpraxis_env(folder / "bench.db", TERMINPRAXIS_ASYNC_MODE=mode)
        count = 1
        if scenario == "mq":
            env["TERMINPRAXIS_MESSAGE_QUEUE"] = mq_url
            count = 2
        for _ in range(count):
            port = free_port()
            servers.append(Server([sys.executable, "run_kiosk.py", "--port", str(port)], env, port,
                                  folder / f"kiosk.{port}.log"))
        idle_rss = sum(s.rss_mb() for s in servers)
        ports = [s.port for s in servers]
        board_shares = [(ports[i % count], boards // count + (i < boards % count)) for i in range(count)]
        phone_shares = [(ports[i % count], phones // count + (i < phones % count)) for i in range(count)]
        began = time.monotonic()
        swarm = Boards([b for b in board_shares if b[1]])
        phone_swarm = Boards([p for p in phone_shares if p[1]], tokens=tokens[:phones])
        connect_s = time.monotonic() - began
        caller = ApiCaller(servers[0].url, folder / "bench.db")
        time.sleep(1.5)  # the first pass over the line goes out after the phones connected
        board_all, phone_times, missing_boards, missing_phones = [], [], 0, 0
        for _ in range(rounds):
            number, ticket_id, t0 = caller.call()
            times = swarm.collect(number)
            missing_boards += boards - len(times)
            if times:
                board_all.append((max(times) - t0) * 1000)
            got = phone_swarm.first(number) if phones else None
            if got is not None:
                phone_times.append((got - t0) * 1000)
            elif phones:
                missing_phones += 1
            caller.finish(ticket_id)
            time.sleep(0.5 + random.random() * 0.2)
        rss = sum(s.rss_mb() for s in servers)
        if os.environ.get("BENCH_VERBOSE"):
            print("boards", [round(t) for t in board_all], "phones", [round(t) for t in phone_times], flush=True)
        return {"scenario": scenario, "mode": mode, "boards": boards, "phones": phones, "rounds": rounds,
                "boards_p50": percentile(board_all, 0.5, NAN), "boards_p99": percentile(board_all, 0.99, NAN),
                "phone_p50": percentile(phone_times, 0.5, NAN), "phone_p99": percentile(phone_times, 0.99, NAN),
                "missing": missing_boards + missing_phones, "connect_s": connect_s, "rss_mb": rss,
                "kb_per_conn": (rss - idle_rss) * 1024 / max(1, boards + phones)}
    finally:
        for part in (swarm, phone_swarm):
            if part:
                part.close()
        for server in servers:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def table(results: list[dict]) -> str:
    lines = ["| scenario | async | boards | phones | → all boards p50 / p99 ms | → called phone p50 / p99 ms |"
             " missed | RSS MB | KB per connection |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['scenario']} | {r['mode']} | {r['boards']:,} | {r['phones']:,} | failed: "
                         f"{r['error']} | | | | |")
            continue
        lines.append(f"| {r['scenario']} | {r['mode']} | {r['boards']:,} | {r['phones']:,} | "
                     f"{r['boards_p50']:.1f} / {r['boards_p99']:.1f} | {r['phone_p50']:.1f} / {r['phone_p99']:.1f} | "
                     f"{r['missing']} | {r['rss_mb']:.0f} | {r['kb_per_conn']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A full waiting room: boards, phones, calls through the API")
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--modes", default="eventlet,gevent")
    parser.add_argument("--scenarios", default="room,mq")
    parser.add_argument("--mq-clients", type=int, default=5000, help="boards + phones in the mq scenario")
    parser.add_argument("--mq", default=os.environ.get("TERMINPRAXIS_BENCH_REDIS_URL")
                        or os.environ.get("TERMINPRAXIS_TEST_REDIS_URL", ""))
    args = parser.parse_args(argv or [])
    print(f"## A full waiting room ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})", flush=True)
    plan = [(scenario, mode, args.mq_clients - args.phones if scenario == "mq" else args.boards, args.phones)
            for scenario in args.scenarios.split(",") if scenario != "mq" or args.mq
            for mode in args.modes.split(",")]
    run_plan(plan, lambda step: run(step[0], step[2], step[3], args.rounds, step[1], args.mq or None),
             lambda step, error: {"scenario": step[0], "mode": step[1], "boards": step[2], "phones": step[3],
                                  "error": error}, table)


if __name__ == "__main__":
    main(sys.argv[1:])
