#!/usr/bin/env bash
# Measures, on the embedded store with the release build: time from process start to /readyz = 200,
# resident memory (RSS) when idle, and peak RSS while 64 concurrent clients read a 100-item
# playlist. Prints figures; needs wrk (apt-get install wrk), curl and Linux /proc.
#
# usage: tools/bench/resources.sh [LOAD_SECS=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
load_secs="${1:-10}"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

start_ns=$(date +%s%N)
SHARIFY_HTTP__BIND="127.0.0.1:$port" SHARIFY_ADMIN__BIND="127.0.0.1:0" SHARIFY_STORE__DATA_DIR="$work/data" \
  SHARIFY_LOG__LEVEL=warn SHARIFY_RATELIMIT__PER_MINUTE=10000000 SHARIFY_RATELIMIT__BURST=1000000 \
  target/release/sharify >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -fs -o /dev/null "$base/readyz" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.002
done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
curl -fs -X POST "$base/v1/users" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench password 123","display_name":"Bench"}' >/dev/null
token=$(curl -fs -X POST "$base/v1/auth/tokens" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench password 123"}' | json '["token"]')
auth="Authorization: Bearer $token"
id=$(curl -fs -X POST "$base/v1/playlists" -H "$auth" -H 'content-type: application/json' -d '{"name":"Bench"}' | json '["id"]')
tracks=$(python3 -c 'import json; print(json.dumps({"tracks":[{"artist":f"Artist {i}","title":f"Track {i}"} for i in range(100)]}))')
curl -fs -X POST "$base/v1/playlists/$id/items" -H "$auth" -H 'content-type: application/json' -d "$tracks" >/dev/null
sleep 1
idle_kib=$(rss_kib "$server")

peak_file="$work/peak"
echo 0 > "$peak_file"
( while kill -0 "$server" 2>/dev/null; do
    r=$(rss_kib "$server"); [ "$r" -gt "$(cat "$peak_file")" ] && echo "$r" > "$peak_file"; sleep 0.1
  done ) &
sampler=$!
wrk -t2 -c64 -d"${load_secs}s" -H "$auth" "$base/v1/playlists/$id" > "$work/wrk.txt"
kill $sampler 2>/dev/null || true
loaded_kib=$(cat "$peak_file")

echo "== resources, embedded store, release build =="
echo "start to /readyz = 200: ${ready_ms} ms"
echo "idle RSS: $((idle_kib / 1024)) MiB (${idle_kib} KiB)"
echo "peak RSS with 64 concurrent clients (${load_secs}s): $((loaded_kib / 1024)) MiB (${loaded_kib} KiB); $(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt") requests/s"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m)"
