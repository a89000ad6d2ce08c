#!/usr/bin/env python3
"""The platform benchmark of issue 14: import by link against a server that enforces Deezer's
limit (50 requests per 5 s, code-4 quota error with HTTP 200) and adds 50 ms to every answer.
Shows that the importer provokes no limit error, that Deezer pages are fetched several at once
(offsets) and YouTube pages one after another (opaque page tokens). One run, one machine.

usage: tools/bench/platforms.sh   (builds the release binary, then runs this)
       platforms.py BINARY [--imports N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf import Service, free_port  # noqa: E402


def stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as r:
        return json.load(r)


def import_link(svc, auth, url):
    start = time.perf_counter()
    status, _, raw = svc.client.call("POST", "/v1/playlists/import", {"url": url}, auth)
    elapsed = time.perf_counter() - start
    assert status == 201, raw[:300]
    return elapsed, json.loads(raw)["counts"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--imports", type=int, default=6)
    args = ap.parse_args()
    port = free_port()
    fake = subprocess.Popen([sys.executable, str(Path(__file__).with_name("platform_fake.py")), str(port), "50"])
    try:
        for _ in range(100):
            try:
                stats(port)
                break
            except OSError:
                time.sleep(0.05)
        os.environ.update({
            "SHARIFY_DEEZER__BASE_URL": f"http://127.0.0.1:{port}/deezer",
            "SHARIFY_YOUTUBE__BASE_URL": f"http://127.0.0.1:{port}/youtube/v3",
            "SHARIFY_YOUTUBE__API_KEY": "bench-key",
        })
        with tempfile.TemporaryDirectory() as tmp:
            svc = Service(args.binary, Path(tmp) / "svc")
            try:
                auth = svc.sign_up("bench")
                start = time.perf_counter()
                times = [import_link(svc, auth, f"https://www.deezer.com/playlist/{n + 1}")[0] for n in range(args.imports)]
                total = time.perf_counter() - start
                d = stats(port)
                print(f"Deezer: {args.imports} imports of a 1,000-track playlist (11 requests each), back to back, "
                      f"50 ms per answer, limit 50 requests / 5 s:")
                print(f"  {d['deezer']} requests in {total:.2f} s ({d['deezer'] / total:.1f}/s); "
                      f"limit errors provoked: {d['quota_errors']}")
                print(f"  most requests in flight at once: {d['max_in_flight']['deezer']} (pages by offset, several at once)")
                print(f"  first import {times[0]:.2f} s in all (11 requests, matching and the write included)")
                elapsed, counts = import_link(svc, auth, "https://www.youtube.com/playlist?list=PLbench")
                y = stats(port)
                print(f"YouTube: a 500-video playlist: {y['youtube']} requests in {elapsed:.2f} s, "
                      f"most in flight {y['max_in_flight']['youtube']} (page tokens: one after another); "
                      f"{counts['added']} added")
            finally:
                svc.stop()
    finally:
        fake.terminate()


if __name__ == "__main__":
    main()
