#!/usr/bin/env bash
# Runs the README's walkthrough (the shell blocks of "Walkthrough with curl", "Move a playlist in
# and out" and docs/guide/organising.md's "Organise your library", exactly as a reader pastes them) against the real binary
# on the embedded store and on MongoDB, and fails if any answer differs between the two once ids,
# tokens, times and request ids are masked. Each run's transcript is kept in target/walkthrough/.
#
# usage: tools/walkthrough/compare.sh BINARY MONGO_URI
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="$1" mongo="$2"
out=target/walkthrough
mkdir -p "$out"

# The blocks, in README order, as one script.
python3 - >"$out/walkthrough.sh" <<'PY'
import re
wanted = [("README.md", "## Walkthrough with curl"), ("README.md", "### Move a playlist in and out"),
          ("docs/guide/organising.md", "## Organise your library")]
for path, heading in wanted:
    text = open(path, encoding="utf-8").read()
    start = text.index(heading + "\n")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    print(block.group(1))
PY

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

run_on() {
  local store="$1" port data pid
  port="$(free_port)" data="$(mktemp -d)"
  local -a env=(SHARIFY_HTTP__BIND="127.0.0.1:$port" SHARIFY_ADMIN__BIND="127.0.0.1:$(free_port)"
    SHARIFY_STORE__DATA_DIR="$data" SHARIFY_LOG__LEVEL=warn SHARIFY_DEEZER__ENABLED=false)
  [ "$store" = mongo ] && env+=(SHARIFY_MONGO__URI="$mongo" SHARIFY_MONGO__DATABASE="walkthrough_$port")
  env "${env[@]}" "$binary" >"$out/$store.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  # Each answer on a line of its own; the reader's B is this server.
  (cd "$data" && {
    echo 'curl() { command curl "$@"; local status=$?; echo; return $status; }'
    sed "s#^B=http://localhost:8080#B=http://127.0.0.1:$port#" "$OLDPWD/$out/walkthrough.sh"
  } | bash) >"$out/$store.txt" 2>&1 || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}

run_on embedded
run_on mongo
mask() {
  sed -E -e 's/[0-9a-f]{32}/<id>/g' -e 's/shf_[A-Za-z0-9_-]+/<token>/g' \
    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/<time>/g' \
    -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
    -e 's/^(date|ratelimit-reset|ratelimit-remaining): .*/\1: <varies>/I' "$1"
}
if diff <(mask "$out/embedded.txt") <(mask "$out/mongo.txt") >"$out/diff.txt"; then
  echo "walkthrough: the same answers on both stores ($(grep -c . "$out/embedded.txt") lines; $out/)"
else
  echo "walkthrough: the stores answered differently (embedded <, MongoDB >):" >&2
  cat "$out/diff.txt" >&2
  exit 1
fi
