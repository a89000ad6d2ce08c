#!/usr/bin/env python3
"""Enrichment fan-out across fresh starts of the service (issue 11, item 7).

Starts an independent Last.fm-shaped HTTP server (Python, HTTP/1.1 keep-alive, LATENCY per call,
serving a recorded `track.getInfo` body from tests/data), measures what that server alone does with
100 calls at 8 in flight, then starts the release binary RUNS times on fresh data directories and
times adding 100 cold tracks (the add waits for every lookup). Prints each run, the spread and the
ratio to the ideal ceil(100 / 8) x LATENCY. A second add of the same tracks must make no call.

usage: tools/bench/enrichment.py target/release/sharify [--runs 7] [--latency-ms 50]
"""
import argparse
import http.client
import json
import math
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from perf import PASSWORD, Service  # noqa: E402

BODY = (Path(__file__).parents[2] / "tests/data/lastfm/track.getInfo__marble-coast-tidal-lines.json").read_bytes()
TRACKS, IN_FLIGHT = 100, 8


class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    latency = 0.05
    split = False
    calls = 0
    lock = threading.Lock()

    def do_GET(self):
        with Upstream.lock:
            Upstream.calls += 1
        time.sleep(Upstream.latency)
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n"
        if Upstream.split:
            # Headers and body in two writes with Nagle on (Python's http.server does this): the
            # body waits for the ACK of the headers, which the client may delay by 40 ms.
            self.wfile.write(head.encode())
            self.wfile.flush()
            self.wfile.write(BODY)
        else:
            # Status, headers and body in one write, as production servers send a small answer.
            self.wfile.write(head.encode() + BODY)
        self.wfile.flush()

    def log_message(self, *args):
        pass


def server_alone(port, fresh_connections=False):
    """100 calls at 8 in flight straight to the upstream, one keep-alive connection per worker
    (or a new connection per call)."""
    local = threading.local()

    def call(i):
        if fresh_connections or not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port)
        local.conn.request("GET", f"/2.0/?method=track.getInfo&artist=a&track={i}&format=json")
        local.conn.getresponse().read()

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        started = time.perf_counter()
        list(pool.map(call, range(TRACKS)))
        return time.perf_counter() - started


def one_start(binary, work, port, run):
    import os
    os.environ.update({
        "SHARIFY_DEEZER__ENABLED": "false", "SHARIFY_LASTFM__API_KEY": "bench-key", "SHARIFY_LASTFM__BASE_URL": f"http://127.0.0.1:{port}/2.0/",
        "SHARIFY_LASTFM__RATE_PER_SEC": "100000", "SHARIFY_LASTFM__BURST": "100000",
        "SHARIFY_LASTFM__MAX_IN_FLIGHT": str(IN_FLIGHT), "SHARIFY_LASTFM__ENRICH_BUDGET_MS": "60000",
    })
    svc = Service(binary, work / f"run-{run}")
    try:
        auth = svc.sign_up("bench")
        status, _, raw = svc.client.call("POST", "/v1/playlists", {"name": "enrich"}, auth)
        pid = json.loads(raw)["id"]
        tracks = [{"artist": f"Run {run} artist {i}", "title": f"song {i}"} for i in range(TRACKS)]
        before = Upstream.calls
        started = time.perf_counter()
        status, _, raw = svc.client.call("POST", f"/v1/playlists/{pid}/items",
                                         {"tracks": tracks, "on_duplicate": "allow"}, auth)
        cold = time.perf_counter() - started
        assert status == 200, raw
        assert all(i["enrichment"] == "enriched" for i in json.loads(raw)["added"]), "every track enriched in the add"
        calls = Upstream.calls - before
        before = Upstream.calls
        svc.client.call("POST", f"/v1/playlists/{pid}/items", {"tracks": tracks, "on_duplicate": "allow"}, auth)
        warm_calls = Upstream.calls - before
        return cold, calls, warm_calls
    finally:
        svc.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--latency-ms", type=int, default=50)
    p.add_argument("--split-writes", action="store_true",
                   help="upstream writes headers and body separately (Nagle + delayed ACK), for diagnosis")
    args = p.parse_args()
    import tempfile
    import shutil
    Upstream.latency = args.latency_ms / 1000
    Upstream.split = args.split_writes
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    ideal = math.ceil(TRACKS / IN_FLIGHT) * Upstream.latency
    alone = server_alone(port)
    alone_fresh = server_alone(port, fresh_connections=True)
    work = Path(tempfile.mkdtemp(prefix="sharify-enrich-"))
    times = []
    try:
        for run in range(args.runs):
            cold, calls, warm = one_start(args.binary, work, port, run)
            times.append(cold)
            print(f"  start {run + 1}: 100 cold tracks in {cold * 1000:.0f} ms ({cold / ideal:.2f}x ideal), "
                  f"{calls} upstream calls; warm re-add: {warm} calls", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        server.shutdown()
    print(f"upstream alone, {TRACKS} calls at {IN_FLIGHT} in flight: {alone * 1000:.0f} ms "
          f"({alone / ideal:.2f}x the ideal {ideal * 1000:.0f} ms); with a new connection per call: "
          f"{alone_fresh * 1000:.0f} ms ({alone_fresh / ideal:.2f}x)")
    print(f"service over {args.runs} fresh starts: min {min(times) * 1000:.0f} / median "
          f"{statistics.median(times) * 1000:.0f} / max {max(times) * 1000:.0f} ms = "
          f"{min(times) / ideal:.2f}x / {statistics.median(times) / ideal:.2f}x / {max(times) / ideal:.2f}x the ideal "
          f"(target <= 1.30x on every start); worst start vs the upstream alone: {max(times) / alone:.2f}x")
    return 0 if max(times) / ideal <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
