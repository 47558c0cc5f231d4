"""Start a board-only server (own port) that follows the main server's events.

Without a message queue it follows the shared database's event log itself. With
TERMINPRAXIS_MESSAGE_QUEUE=redis://… set, the main server (run_kiosk.py) follows the log and its
emits reach this process's boards through the queue; this process only answers snapshots.
"""
import argparse
import os

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--host", default=os.environ.get("TERMINPRAXIS_HOST", "127.0.0.1"))
parser.add_argument("--port", type=int, default=int(os.environ.get("TERMINPRAXIS_DISPLAY_PORT", "5001")))
args = parser.parse_args()

if os.environ.get("TERMINPRAXIS_MESSAGE_QUEUE"):
    # Only one process may follow the log and emit; with a queue that is run_kiosk.py.
    os.environ.setdefault("TERMINPRAXIS_RELAY_FOLLOW", "false")

if os.environ.get("TERMINPRAXIS_ASYNC_MODE", "eventlet") == "eventlet":
    # Must run before Flask and Flask-SocketIO are imported.
    import eventlet

    eventlet.monkey_patch()

from web.runner import serve  # noqa: E402

serve(args.host, args.port, surfaces="board")
