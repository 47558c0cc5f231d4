#!/usr/bin/env bash
# Run a command with a throw-away Redis on 127.0.0.1 (message-queue tests), stopped afterwards.
set -u
port=${TERMINPRAXIS_TEST_REDIS_PORT:-6390}
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null 2>&1 &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null; wait $redis_pid 2>/dev/null' EXIT
export TERMINPRAXIS_TEST_REDIS_URL="redis://127.0.0.1:$port"
"$@"
