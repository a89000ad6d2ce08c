#!/usr/bin/env bash
# Runs docs/guide/matching.md's "See matching and the review without a Last.fm key" as a reader would: the
# Last.fm-shaped server (tools/dev/fake-lastfm's example binary), the service pointed at it, then
# the section's second shell block exactly as written; fails unless the import reports one track
# matched and one for review, and choosing the candidate matches it. Transcript in target/walkthrough/.
#
# usage: tools/walkthrough/review.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="$1"
out=target/walkthrough
mkdir -p "$out"
cargo build --quiet --locked --example fake_lastfm

python3 - docs/guide/matching.md >"$out/review.sh" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
start = text.index("### See matching and the review without a Last.fm key\n")
print(re.findall(r"```sh\n(.*?)```", text[start:], re.S)[1])
PY

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fake_addr="127.0.0.1:$(free_port)" port="$(free_port)" data="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$data"' EXIT
target/debug/examples/fake_lastfm "$fake_addr" >"$out/fake-lastfm.log" 2>&1 &
pids+=($!)
env SHARIFY_HTTP__BIND="127.0.0.1:$port" SHARIFY_ADMIN__BIND="127.0.0.1:$(free_port)" \
  SHARIFY_STORE__DATA_DIR="$data/store" SHARIFY_LOG__LEVEL=warn SHARIFY_DEEZER__ENABLED=false \
  SHARIFY_LASTFM__API_KEY=test-key SHARIFY_LASTFM__BASE_URL="http://$fake_addr/2.0/" \
  "$binary" >"$out/review-service.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && curl -s "http://$fake_addr/2.0/" >/dev/null 2>&1 && break
  sleep 0.1
done
B="http://127.0.0.1:$port"
curl -sf -X POST "$B/v1/users" -H 'content-type: application/json' \
  -d '{"username":"alice","password":"correct horse battery","display_name":"Alice"}' >/dev/null
TOKEN=$(curl -sf -X POST "$B/v1/auth/tokens" -H 'content-type: application/json' \
  -d '{"username":"alice","password":"correct horse battery"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
(cd "$data" && B="$B" TOKEN="$TOKEN" bash -e "$OLDPWD/$out/review.sh") >"$out/review.out" 2>&1 || {
  echo "review walkthrough: the docs/guide/matching.md block failed; see $out/review.out" >&2
  exit 1
}
check() { grep -q -- "$1" "$out/review.out" || { echo "review walkthrough: expected $2 ($out/review.out)" >&2; exit 1; }; }
check "'matched': 1, 'review': 1" "one track matched and one for review"
check '"code":"needs_review"' "the reason on the item in review"
check '"status":"matched".*"decided_by":"user"' "the chosen candidate matched by the user"
echo "review walkthrough: matched 1, review 1, then matched by choice"
