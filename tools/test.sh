#!/usr/bin/env bash
# Runs the whole test suite, on both store backends, with the headless-browser test when
# Chromium and Node 20+ are installed (SHARIFY_TEST_BROWSER names the Chromium binary).
#
# The MongoDB half needs a MongoDB-wire server: if SHARIFY_TEST_MONGO_URI is unset, this starts the
# test double from ../shared/tools/mongo-wire-double (a Python MockupDB + mongomock server) on port
# 37017. Without it, the MongoDB tests are compiled as ignored and reported as skipped.
# Extra arguments go to the test runner, e.g. `tools/test.sh store_contract`.
set -euo pipefail
cd "$(dirname "$0")/.."

double="../shared/tools/mongo-wire-double/start"
if [ -z "${SHARIFY_TEST_MONGO_URI:-}" ]; then
  if [ -x "$double" ] && uri=$("$double" "${SHARIFY_TEST_MONGO_PORT:-37017}"); then
    export SHARIFY_TEST_MONGO_URI="$uri"
    echo "tools/test.sh: MongoDB tests run against $uri" >&2
  else
    echo "tools/test.sh: no MongoDB test server; the MongoDB tests will be reported as skipped" >&2
  fi
fi

if [ -z "${SHARIFY_TEST_BROWSER:-}" ]; then
  chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
  node_major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')"
  if [ -n "$chromium_bin" ] && [ "${node_major:-0}" -ge 20 ]; then
    export SHARIFY_TEST_BROWSER="$chromium_bin"
  else
    echo "tools/test.sh: no Chromium (or Node 20+); the share-page browser test will be reported as skipped" >&2
  fi
fi

if cargo nextest --version >/dev/null 2>&1; then
  exec cargo nextest run --no-fail-fast "$@"
else
  echo "tools/test.sh: cargo-nextest not found; using cargo test" >&2
  exec cargo test --no-fail-fast "$@"
fi
