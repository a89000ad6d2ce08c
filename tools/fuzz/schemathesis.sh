#!/usr/bin/env bash
# Property-based API tests: Schemathesis (from PyPI, pinned) generates requests from the OpenAPI
# document the service serves and checks every answer: no 5xx, every response as documented
# (status, content type, body schema). Runs against the real binary on the embedded store, and on
# MongoDB when a URI is given, signed in with Basic credentials (they survive the token
# revocations the fuzzer itself sends), with a playlist, a friend and a share link made first.
#
# usage: tools/fuzz/schemathesis.sh BINARY [MONGO_URI] [SECONDS_PER_STORE=60]
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="$1" mongo="${2:-}" secs="${3:-60}"
venv="${SHARIFY_TEST_VENV:-target/test-venv}-schemathesis"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi

# A Last.fm-shaped server, so the track routes answer as in production rather than 503.
lastfm_out="$(mktemp)"
python3 tools/fuzz/lastfm_fake.py >"$lastfm_out" &
lastfm_pid=$!
trap 'kill "$lastfm_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$lastfm_out" ] && break
  sleep 0.05
done
lastfm_url="$(cat "$lastfm_out")"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

run_on() {
  local store="$1" port admin data pid base
  port="$(free_port)" admin="$(free_port)" data="$(mktemp -d)"
  local -a env=(
    SHARIFY_HTTP__BIND="127.0.0.1:$port" SHARIFY_ADMIN__BIND="127.0.0.1:$admin" SHARIFY_STORE__DATA_DIR="$data"
    SHARIFY_LOG__LEVEL=warn SHARIFY_RATELIMIT__PER_MINUTE=100000000 SHARIFY_RATELIMIT__BURST=10000000
    SHARIFY_RATELIMIT__ANONYMOUS_PER_MINUTE=100000000 SHARIFY_RATELIMIT__ANONYMOUS_BURST=10000000
    SHARIFY_AUTH__SIGNUPS_PER_HOUR_PER_IP=100000000 SHARIFY_AUTH__MAX_FAILURES_PER_USER=100000000
    SHARIFY_AUTH__MAX_FAILURES_PER_IP=100000000
    SHARIFY_LASTFM__API_KEY=fuzz-key SHARIFY_LASTFM__BASE_URL="$lastfm_url" SHARIFY_LASTFM__RATE_PER_SEC=100000
    SHARIFY_LASTFM__BURST=100000 SHARIFY_LASTFM__PER_USER_PER_MINUTE=100000000
    SHARIFY_DEEZER__ENABLED=false
    SHARIFY_SEATGEEK__BASE_URL="${lastfm_url%/2.0/}/2" SHARIFY_SEATGEEK__CLIENT_ID=fuzz-client
    # Linking configured (it only builds Spotify's authorize address; nothing is called).
    SHARIFY_CONNECTIONS__TOKEN_KEY="$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
    SHARIFY_SPOTIFY__CLIENT_ID=fuzz-client SHARIFY_SPOTIFY__REDIRECT_URI=http://127.0.0.1:9/v1/connections/spotify/callback
    SHARIFY_YOUTUBE__CLIENT_ID=fuzz-client SHARIFY_YOUTUBE__CLIENT_SECRET=fuzz-secret
    SHARIFY_YOUTUBE__REDIRECT_URI=http://127.0.0.1:9/v1/connections/youtube/callback
    SHARIFY_YOUTUBE__TOKEN_URL="${lastfm_url%/2.0/}/token" SHARIFY_SPOTIFY__ACCOUNTS_URL="${lastfm_url%/2.0/}"
  )
  if [ "$store" = mongo ]; then
    env+=(SHARIFY_MONGO__URI="$mongo" SHARIFY_MONGO__DATABASE="fuzz_$port")
  fi
  env "${env[@]}" "$binary" >"$data/server.log" 2>&1 &
  pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    curl -sf "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  local auth="fuzzer:correct horse battery"
  json() { curl -sf -H 'content-type: application/json' "$@"; }
  json -X POST "$base/v1/users" -d '{"username":"fuzzer","password":"correct horse battery","display_name":"F"}' >/dev/null
  json -X POST "$base/v1/users" -d '{"username":"friend","password":"correct horse battery","display_name":"G"}' >/dev/null
  FUZZ_PLAYLIST="$(json -u "$auth" -X POST "$base/v1/playlists" -d '{"name":"fuzz","visibility":"public"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
  json -u "$auth" -X POST "$base/v1/playlists/$FUZZ_PLAYLIST/items" \
    -d '{"tracks":[{"artist":"A","title":"one"},{"artist":"B","title":"two"}]}' >/dev/null
  FUZZ_SHARE_TOKEN="$(json -u "$auth" -X POST "$base/v1/playlists/$FUZZ_PLAYLIST/share-links" -d '{"role":"viewer"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
  export FUZZ_PLAYLIST FUZZ_SHARE_TOKEN FUZZ_FRIEND=friend
  echo "== schemathesis on the $store store ($secs s)"
  local status=0
  "$venv/bin/st" --config-file tools/fuzz/schemathesis.toml run "$base/openapi.json" \
    --auth "$auth" --exclude-deprecated \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --phases examples,coverage,fuzzing --max-time "$secs" --workers 1 --seed 20261129 || status=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    echo "schemathesis found problems on the $store store; server log: $data/server.log" >&2
    return "$status"
  fi
  rm -rf "$data"
}

run_on embedded
if [ -n "$mongo" ]; then
  run_on mongo
fi
