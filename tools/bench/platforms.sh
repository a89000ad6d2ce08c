#!/usr/bin/env bash
# One command for the platform figures (issue 14): builds the release binary and runs
# tools/bench/platforms.py against a rate-limited Deezer/YouTube-shaped server, then the Spotify
# read-path bench (benches/spotify_paging.rs) against a rate-limited Spotify-shaped server.
#
# usage: tools/bench/platforms.sh [IMPORTS=6]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet --locked
python3 tools/bench/platforms.py target/release/sharify --imports "${1:-6}"
cargo bench --quiet --locked --bench spotify_paging
