"""Start a board-only server (own port) that follows the main server's events."""
import argparse
import os

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--host", default=os.environ.get("TERMINPRAXIS_HOST", "127.0.0.1"))
parser.add_argument("--port", type=int, default=int(os.environ.get("TERMINPRAXIS_DISPLAY_PORT", "5001")))
args = parser.parse_args()

if os.environ.get("TERMINPRAXIS_ASYNC_MODE", "eventlet") == "eventlet":
    # Must run before Flask and Flask-SocketIO are imported.
    import eventlet

    eventlet.monkey_patch()

from web.runner import serve  # noqa: E402

serve(args.host, args.port, surfaces="board")
