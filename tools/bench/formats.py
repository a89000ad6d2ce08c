#!/usr/bin/env python3
"""The benchmark of issue 13: importing a 10,000-line CSV into the embedded store (no Last.fm
key, so no matching time: lines go in unmatched), and the peak resident-memory growth while
exporting a 10,000-item playlist in each format, against a 100-item one. One run, one machine.

usage: tools/bench/formats.sh   (builds the release binary, then runs this)
       formats.py BINARY [--runs N]
"""
import argparse
import csv
import io
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf import Service  # noqa: E402  (the same process harness as the performance bench)


def vm_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def csv_file(lines):
    """An Exportify-style CSV with awkward names, durations, ISRCs and Spotify URIs."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Track URI", "Track Name", "Artist Name(s)", "Album Name", "Track Duration (ms)", "ISRC"])
    for i in range(lines):
        w.writerow([f"spotify:track:{i:022d}", f"Song {i} (feat. Guest, \"Jr.\") - Remastered 2011",
                    f"Artist {i % 997} & The Band", f"Album {i % 101}", 180000 + i % 120000, f"USRC1{i:07d}"])
    return out.getvalue().encode()


def import_once(svc, auth, body):
    headers = dict(auth)
    headers["content-type"] = "text/csv"
    start = time.perf_counter()
    svc.client.conn.request("POST", "/v1/playlists/import?name=bench", body=body, headers=headers)
    r = svc.client.conn.getresponse()
    raw = r.read()
    elapsed = time.perf_counter() - start
    assert r.status == 201, raw[:500]
    report = json.loads(raw)
    assert report["counts"]["added"] == 10_000, report["counts"]
    return elapsed, report["playlist"]["id"]


def export_peak_growth(svc, auth, pid, fmt):
    """Peak RSS growth (KiB) while one export of `pid` is streamed and read in 64 KiB reads."""
    # Warm: the playlist is in the live cache as for any read.
    svc.client.call("GET", f"/v1/playlists/{pid}?items_limit=1", headers=auth)
    base = vm_kib(svc.proc.pid, "VmRSS")
    peak = [base]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], vm_kib(svc.proc.pid, "VmRSS"))
            time.sleep(0.001)

    t = threading.Thread(target=sample)
    t.start()
    svc.client.conn.request("GET", f"/v1/playlists/{pid}/export?format={fmt}", headers=auth)
    r = svc.client.conn.getresponse()
    size = 0
    while chunk := r.read(65536):
        size += len(chunk)
    done.set()
    t.join()
    assert r.status == 200
    return (peak[0] - base), size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        svc = Service(args.binary, Path(tmp) / "embedded")
        try:
            auth = svc.sign_up("bench")
            body = csv_file(10_000)
            times, pid = [], None
            for _ in range(args.runs):
                elapsed, pid = import_once(svc, auth, body)
                times.append(elapsed)
            small = svc.playlist(auth, "small", 100)
            print(f"import of a 10,000-line CSV ({len(body) / 1e6:.1f} MB), embedded store, {args.runs} runs:")
            print(f"  median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s"
                  f"  (target < 2 s: {'met' if statistics.median(times) < 2 else 'NOT met'})")
            print("export peak RSS growth, 10,000 items vs 100 items:")
            for fmt in ["jspf", "xspf", "m3u8", "csv"]:
                big, big_size = export_peak_growth(svc, auth, pid, fmt)
                little, _ = export_peak_growth(svc, auth, small, fmt)
                print(f"  {fmt:5} {big / 1024:6.1f} MiB for {big_size / 1e6:5.1f} MB out;"
                      f" 100 items: {little / 1024:5.1f} MiB  (target < 20 MB: {'met' if big * 1024 < 20e6 else 'NOT met'})")
        finally:
            svc.stop()


if __name__ == "__main__":
    main()
