"""The baseline: a bare Flask-SocketIO server that only re-emits (no database, no app).

POST /trigger?number=… emits ``called`` to every /board client. Started by bench/board_fanout.py,
in the async mode of TERMINPRAXIS_ASYNC_MODE (eventlet by default, or gevent), like the product.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import patch_async  # noqa: E402

MODE = patch_async.patch()

import argparse  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
args = parser.parse_args()

app = Flask(__name__)
socketio = SocketIO(app, async_mode=MODE)
seq = 0


@socketio.on("connect", namespace="/board")
def connect(auth=None):
    return True


@app.get("/healthz")
def health():
    return jsonify({"ok": True})


@app.post("/trigger")
def trigger():
    global seq
    seq += 1
    socketio.emit("called", {"seq": seq, "number": request.args["number"], "room": "Zimmer 214"}, namespace="/board")
    return jsonify({"seq": seq})


socketio.run(app, host="127.0.0.1", port=args.port, log_output=False,
             **({"max_size": 20_000} if MODE == "eventlet" else {}))
