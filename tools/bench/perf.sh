#!/usr/bin/env bash
# One command for the performance figures (issue 11, items 1, 2, 3 and 5): builds the release
# binary, starts the MongoDB test server, runs tools/bench/perf.py and prints its table.
# Needs wrk and nginx (apt-get install wrk nginx) and Python 3 with venv (for the MongoDB server).
#
# usage: tools/bench/perf.sh [SECS_PER_WRK_RUN=10] [SETTLE_SECS=60]
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: apt-get install wrk nginx" >&2; exit 1; }
done
cargo build --release --quiet --locked
port="${BENCH_MONGO_PORT:-37117}"
started="$(tools/mongo-double/start "$port")"
mongo_pid="${started##* }"
trap 'kill "$mongo_pid" 2>/dev/null || true' EXIT
BENCH_MONGO_URI="${started% *}" python3 tools/bench/perf.py target/release/sharify \
  --secs "${1:-10}" --settle "${2:-60}"
