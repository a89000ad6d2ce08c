#!/usr/bin/env bash
# One command for the import/export figures (issue 13): builds the release binary and runs
# tools/bench/formats.py against it (embedded store, no Last.fm key).
#
# usage: tools/bench/formats.sh [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet --locked
python3 tools/bench/formats.py target/release/sharify --runs "${1:-5}"
