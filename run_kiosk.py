"""Start the main server: kiosk, desk, API and board (it owns the engine)."""
import argparse
import os

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--host", default=os.environ.get("TERMINPRAXIS_HOST", "127.0.0.1"))
parser.add_argument("--port", type=int, default=int(os.environ.get("TERMINPRAXIS_PORT", "5000")))
args = parser.parse_args()

import patch_async  # noqa: E402  (stdlib only: it must patch before Flask is imported)

patch_async.patch()

from terminpraxis.runner import serve  # noqa: E402

serve(args.host, args.port, surfaces="all")
