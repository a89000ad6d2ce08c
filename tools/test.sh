#!/usr/bin/env bash
# The test command: the whole suite, on both store backends, with the headless-browser test.
#
# - MongoDB half, on the first of these that is there:
#   1. the server SHARIFY_TEST_MONGO_URI names (a real mongod, Atlas, DocumentDB, …);
#   2. a real MongoDB-compatible engine, DocumentDB, when its tools are beside the repository
#      (../shared/tools/documentdb, or SHARIFY_DOCUMENTDB_TOOLS) and built (their `build`, run as
#      root once; .ci/run does it): started on SHARIFY_TEST_DOCUMENTDB_PORT (default 37018) and
#      stopped on exit. It also enables the test that crashes and restarts the engine;
#   3. the project's MongoDB-wire test double (tools/mongo-double, Python 3 with venv; it creates
#      its virtual environment on first use) on SHARIFY_TEST_MONGO_PORT (default 37017).
#   SHARIFY_TEST_MONGO_ENGINE=double skips 2; =documentdb makes 2 required. The last line names
#   the engine the MongoDB half ran on.
# - Browser tests: run when Chromium and Node 20+ (with npm) are installed (SHARIFY_TEST_BROWSER may
#   name the Chromium binary); the web app's journey installs Playwright and axe-core from the npm
#   registry into tools/browser/node_modules first (npm ci).
# - API fuzzing: when the whole suite is asked for (no extra arguments), Schemathesis then runs
#   against the real binary on both stores (tools/fuzz/schemathesis.sh, 40 s each); any 5xx or
#   answer that breaks the OpenAPI document fails the run. SHARIFY_TEST_FUZZ_SECS changes the time.
# - XSPF schema checks: run when xmllint is installed (libxml2-utils).
# - README walkthroughs (whole suite only): the review section against tools/dev/fake-lastfm, and
#   the main walkthrough on both stores (same answers).
# - What cannot run is reported as skipped, with the reason, on the last line. In CI (CI=true)
#   anything skipped makes the run fail: CI never passes with part of the suite.
# Extra arguments go to the test runner, e.g. `tools/test.sh store_contract`.
set -euo pipefail
cd "$(dirname "$0")/.."

ran=("embedded store")
skipped=()
mongo_pid=""
documentdb_dir=""
stop_mongo() {
  if [ -n "$mongo_pid" ]; then
    kill "$mongo_pid" 2>/dev/null || true
    # Wait (5 s at most) until it is gone; a zombie waiting for its reaper counts as gone.
    for _ in $(seq 1 50); do
      case "$(ps -o stat= -p "$mongo_pid" 2>/dev/null)" in "" | Z*) break ;; esac
      sleep 0.1
    done
    rm -f "target/mongo-double-${SHARIFY_TEST_MONGO_PORT:-37017}.pid"
  fi
  if [ -n "$documentdb_dir" ]; then
    "$SHARIFY_TEST_DOCUMENTDB/stop" "$documentdb_dir" || true
  fi
}
trap stop_mongo EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The URI without its password, for the summary.
redact() { sed -E 's#(mongodb(\+srv)?://[^:/@]*):[^@]*@#\1:***@#' <<<"$1"; }

engine="${SHARIFY_TEST_MONGO_ENGINE:-auto}"
docdb_tools="${SHARIFY_DOCUMENTDB_TOOLS:-../shared/tools/documentdb}"
docdb_gateway="${DOCDB_HOME:-$HOME/.cache/sharify-documentdb}/bin/documentdb_gateway"
if [ -n "${SHARIFY_TEST_MONGO_URI:-}" ]; then
  ran+=("MongoDB half on the server of SHARIFY_TEST_MONGO_URI ($(redact "$SHARIFY_TEST_MONGO_URI"))")
else
  if [ "$engine" != double ] && [ -x "$docdb_tools/start" ] && [ -x "$docdb_gateway" ]; then
    export SHARIFY_TEST_DOCUMENTDB
    SHARIFY_TEST_DOCUMENTDB="$(cd "$docdb_tools" && pwd)"
    documentdb_dir="$PWD/target/documentdb"
    "$SHARIFY_TEST_DOCUMENTDB/stop" "$documentdb_dir" >/dev/null 2>&1 || true # one left by a killed run
    # An engine still shutting down (this run's leftover, or another checkout's on the same port)
    # would take the port and then vanish mid-run: wait (10 s at most) until nothing listens.
    docdb_port="${SHARIFY_TEST_DOCUMENTDB_PORT:-37018}"
    for _ in $(seq 1 50); do
      (exec 3<>"/dev/tcp/127.0.0.1/$docdb_port") 2>/dev/null || break
      sleep 0.2
    done
    if uri="$("$SHARIFY_TEST_DOCUMENTDB/start" "$documentdb_dir" "$docdb_port")"; then
      export SHARIFY_TEST_MONGO_URI="$uri"
      ran+=("MongoDB half on DocumentDB (a real MongoDB-compatible engine from $SHARIFY_TEST_DOCUMENTDB)")
    else
      echo "tools/test.sh: DocumentDB did not start (see above)" >&2
      documentdb_dir=""
      unset SHARIFY_TEST_DOCUMENTDB
    fi
  elif [ "$engine" = documentdb ]; then
    echo "tools/test.sh: SHARIFY_TEST_MONGO_ENGINE=documentdb, but $docdb_tools is missing or not built" >&2
    exit 1
  fi
  if [ -z "${SHARIFY_TEST_MONGO_URI:-}" ]; then
    if [ "$engine" = documentdb ]; then exit 1; fi
    if [ "${CI:-}" = "true" ] && [ -d "$docdb_tools" ]; then
      echo "tools/test.sh: in CI with $docdb_tools present, the MongoDB half must run on DocumentDB" >&2
      exit 1
    fi
    if started="$(tools/mongo-double/start "${SHARIFY_TEST_MONGO_PORT:-37017}")"; then
      export SHARIFY_TEST_MONGO_URI="${started% *}"
      mongo_pid="${started##* }"
      ran+=("MongoDB half on the test double (tools/mongo-double: mongomock behind a wire shim; not a real engine)")
    else
      skipped+=("MongoDB half: the MongoDB test server could not start (see above)")
    fi
  fi
fi

if [ -z "${SHARIFY_TEST_BROWSER:-}" ]; then
  chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
  node_version="$(node --version 2>/dev/null || true)"
  node_major="$(sed -E 's/^v([0-9]+).*/\1/' <<<"${node_version:-v0}")"
  if [ -z "$chromium_bin" ] && [ "${node_major:-0}" -lt 20 ]; then
    skipped+=("browser test: neither Chromium nor Node 20+ is installed (apt-get install chromium nodejs)")
  elif [ -z "$chromium_bin" ]; then
    skipped+=("browser test: Chromium is not installed (apt-get install chromium)")
  elif [ "${node_major:-0}" -lt 20 ]; then
    skipped+=("browser test: Node 20+ is needed, found ${node_version:-no node} (npm or nodejs package)")
  else
    export SHARIFY_TEST_BROWSER="$chromium_bin"
  fi
fi
if [ -n "${SHARIFY_TEST_BROWSER:-}" ]; then
  # The web app's browser test drives Chromium with Playwright and checks pages with axe-core:
  # test-only tools from the npm registry (pinned in tools/browser/package-lock.json; Playwright
  # downloads no browser, it drives this Chromium).
  if [ ! -d tools/browser/node_modules/playwright-core ] || [ tools/browser/package-lock.json -nt tools/browser/node_modules ]; then
    if ! npm ci --prefix tools/browser --no-audit --no-fund >&2; then
      echo "tools/test.sh: npm ci in tools/browser failed: the web app's browser test will fail" >&2
    fi
  fi
  ran+=("browser ($SHARIFY_TEST_BROWSER, Playwright + axe-core)")
fi

# The XSPF exports are checked against the XSPF schema with xmllint; without it those checks (not
# the rest of those tests) are skipped and reported.
if ! command -v xmllint >/dev/null 2>&1; then
  export SHARIFY_TEST_SKIP_XMLLINT=1
  skipped+=("XSPF schema checks: xmllint is not installed (apt-get install libxml2-utils)")
fi

for s in "${skipped[@]}"; do echo "tools/test.sh: will skip the $s" >&2; done

status=0
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --no-fail-fast "$@" || status=$?
else
  echo "tools/test.sh: cargo-nextest not found; using cargo test" >&2
  cargo test --no-fail-fast "$@" || status=$?
fi

if [ $# -eq 0 ]; then
  fuzz_secs="${SHARIFY_TEST_FUZZ_SECS:-40}"
  if [ ! -x target/debug/sharify ]; then
    cargo build --quiet --locked
  fi
  if tools/fuzz/schemathesis.sh target/debug/sharify "${SHARIFY_TEST_MONGO_URI:-}" "$fuzz_secs"; then
    ran+=("schemathesis (${fuzz_secs} s a store)")
  else
    echo "tools/test.sh: schemathesis found problems (see above)" >&2
    ran+=("schemathesis (FAILED)")
    [ "$status" -eq 0 ] && status=1
  fi
  if tools/walkthrough/review.sh target/debug/sharify; then
    ran+=("README review walkthrough (fake Last.fm)")
  else
    ran+=("README review walkthrough (FAILED)")
    [ "$status" -eq 0 ] && status=1
  fi
  if [ -n "${SHARIFY_TEST_MONGO_URI:-}" ]; then
    if tools/walkthrough/compare.sh target/debug/sharify "$SHARIFY_TEST_MONGO_URI"; then
      ran+=("README walkthrough (same answers on both stores)")
    else
      ran+=("README walkthrough (FAILED)")
      [ "$status" -eq 0 ] && status=1
    fi
  fi
fi

summary="ran: $(IFS=,; echo "${ran[*]}" | sed 's/,/, /g')"
if [ ${#skipped[@]} -eq 0 ]; then
  summary+="; skipped: nothing"
else
  summary+="; skipped: $(IFS=';'; echo "${skipped[*]}" | sed 's/;/; /g')"
  if [ "${CI:-}" = "true" ]; then
    echo "tools/test.sh: $summary" >&2
    echo "tools/test.sh: FAILED: in CI every part of the suite must run, nothing may be skipped" >&2
    exit 1
  fi
fi
echo "tools/test.sh: $summary (runner exit code $status)" >&2
exit "$status"
