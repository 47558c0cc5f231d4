"""Start a board-only server (own port) that follows the main server's events.

Without a message queue it follows the shared database's event log itself. With
TERMINPRAXIS_MESSAGE_QUEUE=redis://… set, a run_kiosk.py leads and its emits reach this process's
boards through the queue; this process stands by (it serves its boards from the log only while
the queue is down). With TERMINPRAXIS_BOARD_UPSTREAM=http://main-server:5000 as well it needs no
database at all: snapshots come from the main server over HTTP (another floor or building).
"""
import argparse
import os

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--host", default=os.environ.get("TERMINPRAXIS_HOST", "127.0.0.1"))
parser.add_argument("--port", type=int, default=int(os.environ.get("TERMINPRAXIS_DISPLAY_PORT", "5001")))
args = parser.parse_args()

if os.environ.get("TERMINPRAXIS_MESSAGE_QUEUE"):
    # With a queue a run_kiosk.py leads: it has the phone and desk handlers as well; this one stands by.
    os.environ.setdefault("TERMINPRAXIS_RELAY_FOLLOW", "false")

import patch_async  # noqa: E402  (stdlib only: it must patch before Flask is imported)

patch_async.patch()

from terminpraxis.runner import serve  # noqa: E402

serve(args.host, args.port, surfaces="board")
