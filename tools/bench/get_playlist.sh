#!/usr/bin/env bash
# Benchmarks GET /v1/playlists/{id} (owner, bearer token) on a 100-item playlist, 64 connections,
# embedded store, release build. Also compares failed-login latency for an existing and an unknown
# username (they must cost the same). Prints figures; needs `wrk` (apt-get install wrk) and curl.
#
# usage: tools/bench/get_playlist.sh [DURATION_SECS=15]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-15}"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

cargo build --release --quiet
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
SHARIFY_HTTP__BIND="127.0.0.1:$port" SHARIFY_STORE__DATA_DIR="$work/data" SHARIFY_LOG__LEVEL=warn \
  SHARIFY_AUTH__MAX_FAILURES_PER_USER=100000 SHARIFY_AUTH__MAX_FAILURES_PER_IP=100000 SHARIFY_ADMIN__BIND=127.0.0.1:0 \
  SHARIFY_RATELIMIT__PER_MINUTE=10000000 SHARIFY_RATELIMIT__BURST=1000000 \
  target/release/sharify >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
curl -fs -X POST "$base/v1/users" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench password 123","display_name":"Bench"}' >/dev/null
token=$(curl -fs -X POST "$base/v1/auth/tokens" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench password 123"}' | json '["token"]')
auth="Authorization: Bearer $token"
id=$(curl -fs -X POST "$base/v1/playlists" -H "$auth" -H 'content-type: application/json' \
  -d '{"name":"Bench playlist","description":"100 tracks"}' | json '["id"]')
tracks=$(python3 -c 'import json; print(json.dumps({"tracks":[{"artist":f"Artist {i}","title":f"Track {i}","album":"Album"} for i in range(100)]}))')
curl -fs -X POST "$base/v1/playlists/$id/items" -H "$auth" -H 'content-type: application/json' -d "$tracks" >/dev/null
items=$(curl -fs "$base/v1/playlists/$id" -H "$auth" | json '["item_count"]')
[ "$items" = 100 ] || { echo "setup failed: $items items" >&2; exit 1; }

echo "== GET /v1/playlists/{id}: 100 items, 64 connections, ${duration}s, embedded store =="
wrk -t2 -c64 -d"${duration}s" --latency -H "$auth" "$base/v1/playlists/$id" >"$work/wrk.txt"
awk '/Requests\/sec/ {print "requests/s: " $2}
     /^ +50%/ {print "p50: " $2}
     /^ +99%/ {print "p99: " $2}
     /Non-2xx/ {print "NON-2XX RESPONSES: " $4}' "$work/wrk.txt"
if grep -q "Non-2xx" "$work/wrk.txt"; then echo "the run had failed requests; figures are invalid" >&2; exit 1; fi

echo "== failed login latency: existing vs unknown username (20 each, sequential) =="
login_ms() {
  local total=0
  for _ in $(seq 1 20); do
    t=$(curl -s -o /dev/null -w '%{time_total}' -X POST "$base/v1/auth/tokens" \
      -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"wrong password 1\"}")
    total=$(python3 -c "print($total + $t)")
  done
  python3 -c "print(round($total / 20 * 1000, 2))"
}
known=$(login_ms bench)
unknown=$(login_ms nobody_here)
echo "existing user: ${known} ms   unknown user: ${unknown} ms   ratio: $(python3 -c "print(round($unknown / $known, 3))")"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m)"
