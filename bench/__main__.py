"""`make bench` = `python -m bench`: every benchmark module's main(), one after another, tables printed."""
from __future__ import annotations

import importlib
import sys

# Each module exposes main(); add new ones here.
MODULES = ["bench.engine", "bench.board_fanout", "bench.live_room", "bench.hardening", "bench.notices",
           "bench.queue_promise", "bench.operations", "bench.speech"]


def main() -> None:
    only = sys.argv[1:]
    for name in MODULES:
        if only and name.split(".")[-1] not in only:
            continue
        module = importlib.import_module(name)
        print(f"\n=== {name} ===", flush=True)
        module.main()


if __name__ == "__main__":
    main()
