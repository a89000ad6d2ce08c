#!/usr/bin/env python3
"""What each expensive route costs at its worst legal input (issue 29): the release binary on the
embedded store, each request measured for the service's CPU time (user + system, from
/proc/PID/stat, 10 ms ticks) and the growth of its peak resident memory over the idle figure
(VmHWM, reset before each request through /proc/PID/clear_refs). Generate talks to a Last.fm-shaped
server in this script that answers with the recorded bodies of tests/data/lastfm. Prints one row
per case; the README's limits table is this output.

usage: tools/bench/routes.py [BINARY=target/release/sharify]
"""
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).parent))
from perf import Service, free_port  # noqa: E402

LASTFM = Path(__file__).parents[2] / "tests/data/lastfm"
BODIES = {
    "artist.search": (LASTFM / "artist.search__velvet-moth-limit12.json").read_bytes(),
    "artist.getTopTracks": (LASTFM / "artist.getTopTracks__low-tide-radio-50-missing-some-mbid-keys.json").read_bytes(),
    "artist.getSimilar": (LASTFM / "artist.getSimilar__amon-amarth.json").read_bytes(),
    "track.getInfo": (LASTFM / "track.getInfo__marble-coast-tidal-lines.json").read_bytes(),
}
MAX_ITEMS = 10_000


class Lastfm(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        method = parse_qs(urlparse(self.path).query).get("method", [""])[0]
        body = BODIES.get(method, b'{"error": 3, "message": "Invalid Method"}')
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def cpu_secs(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kib(pid, key):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def measure(svc, label, method, path, body=None, auth=None, raw=None, content_type=None, expect=(200, 201)):
    pid = svc.proc.pid
    time.sleep(0.3)  # background work of the previous case settles
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    idle = status_kib(pid, "VmRSS")
    cpu0, t0 = cpu_secs(pid), time.perf_counter()
    headers = dict(auth or {})
    if raw is not None:
        headers["content-type"] = content_type
        svc.client.conn.request(method, path, body=raw, headers=headers)
        r = svc.client.conn.getresponse()
        status, answer = r.status, r.read()
    else:
        status, _, answer = svc.client.call(method, path, body, headers)
    wall = time.perf_counter() - t0
    cpu = cpu_secs(pid) - cpu0
    peak = status_kib(pid, "VmHWM")
    ok = status in expect
    print(f"| {label} | {status}{'' if ok else ' (unexpected)'} | {wall * 1000:,.0f} ms | {cpu * 1000:,.0f} ms "
          f"| {(peak - idle) / 1024:+.1f} MiB |", flush=True)
    if not ok:
        print(f"    {answer[:300]!r}", flush=True)
    return answer


def csv_of(n, tag):
    rows = ["artist,title,album,duration"] + [f"Artist {i % 700} {tag},Title {i} {tag},Album {i % 50},{180 + i % 60}"
                                               for i in range(n)]
    return "\n".join(rows).encode()


def jspf_of(n):
    tracks = [{"creator": f"Artist {i % 700}", "title": f"Title {i}", "album": "Album", "duration": 200000,
               "identifier": [f"https://musicbrainz.org/recording/{i:08d}-0000-4000-8000-000000000000"]}
              for i in range(n)]
    return json.dumps({"playlist": {"title": "Big", "track": tracks}}).encode()


def xspf_of(n):
    tracks = "".join(f"<track><creator>Artist {i % 700}</creator><title>Title {i}</title><album>Album</album>"
                     f"<duration>200000</duration></track>" for i in range(n))
    return (f'<?xml version="1.0" encoding="UTF-8"?><playlist version="1" xmlns="http://xspf.org/ns/0/">'
            f"<title>Big</title><trackList>{tracks}</trackList></playlist>").encode()


def m3u_of(n):
    lines = ["#EXTM3U"] + [f"#EXTINF:200,Artist {i % 700} - Title {i}\nmusic/{i}.mp3" for i in range(n)]
    return "\n".join(lines).encode()


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/sharify"
    lastfm_port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", lastfm_port), Lastfm)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ.update({"SHARIFY_LASTFM__API_KEY": "bench", "SHARIFY_LASTFM__BASE_URL": f"http://127.0.0.1:{lastfm_port}/2.0/",
                       "SHARIFY_LASTFM__RATE_PER_SEC": "100000", "SHARIFY_LASTFM__BURST": "100000"})
    with tempfile.TemporaryDirectory() as d:
        svc = Service(binary, Path(d))
        alice = svc.sign_up("alice")
        print("| route, worst legal input | status | wall | service CPU | peak RSS growth |")
        print("|---|---|---|---|---|")

        # Generate first, on a quiet service (later the imports' enrichment keeps Last.fm busy).
        # It is bounded by the caller's Last.fm share (30 lookups a minute by default).
        carol = svc.sign_up("carol")
        measure(svc, "generate, 2 artists x 10 similar x 50 tracks (26 lookups: a whole share)", "POST",
                "/v1/playlists/generate", {"name": "Gen", "artists": ["Velvet Moth", "Velvet Moth Tribute"],
                                           "similar_artists": 10, "tracks_per_artist": 50}, carol)
        measure(svc, "generate, 50 artists x 10 similar (refused before any lookup)", "POST", "/v1/playlists/generate",
                {"name": "Gen", "artists": [f"Velvet Moth {n}" for n in range(50)], "similar_artists": 10}, carol,
                expect=(422,))

        def imported(name, raw, ctype, label, expect=(201,)):
            answer = measure(svc, label, "POST", f"/v1/playlists/import?name={name}", auth=alice, raw=raw,
                             content_type=ctype, expect=expect)
            return json.loads(answer).get("playlist", {}).get("id") if expect == (201,) else None

        for fmt, make, ctype in [("JSPF", jspf_of, "application/jspf+json"), ("XSPF", xspf_of, "application/xspf+xml"),
                                 ("CSV", lambda n: csv_of(n, "x"), "text/csv"), ("M3U", m3u_of, "audio/x-mpegurl")]:
            imported(f"big-{fmt}", make(MAX_ITEMS), ctype, f"import {fmt}, 10,000 tracks")
            imported(f"huge-{fmt}", make(40_000), ctype, f"import {fmt}, 40,000 tracks (refused)", expect=(413, 422))
        sources = [imported(f"part-{k}", csv_of(MAX_ITEMS // 2 if k < 2 else MAX_ITEMS, f"p{k}"), "text/csv",
                            f"(setup) import CSV {k}") for k in range(4)]
        big = sources[3]
        for fmt in ["jspf", "xspf", "csv", "m3u8"]:
            measure(svc, f"export {fmt.upper()}, 10,000 items", "GET", f"/v1/playlists/{big}/export?format={fmt}", auth=alice)
        measure(svc, "merge, 2 sources of 5,000 (10,000 together)", "POST", "/v1/playlists/merge",
                {"sources": sources[:2], "name": "Merged"}, alice)
        measure(svc, "merge, 20 sources of 10,000 (refused as they load)", "POST", "/v1/playlists/merge",
                {"sources": [big] * 1 + [sources[2]] * 19, "name": "Too big"}, alice, expect=(400, 413, 422))
        measure(svc, "sort 10,000 items by artist", "POST", f"/v1/playlists/{big}/sort", {"by": "artist"}, alice)
        measure(svc, "dedupe 10,000 items by recording (dry run)", "POST", f"/v1/playlists/{big}/dedupe",
                {"by": "recording", "dry_run": True}, alice)
        measure(svc, "dedupe 10,000 items by recording", "POST", f"/v1/playlists/{big}/dedupe", {"by": "recording"}, alice)
        measure(svc, "split 10,000 items into 100 parts", "POST", f"/v1/playlists/{big}/split",
                {"by": "size", "size": 100}, alice)
        ten_words = "a%20b%20c%20d%20e%20f%20g%20h%20i%20j"
        bob = svc.sign_up("bob")
        measure(svc, "library search, 10 one-letter words, empty library (alice's 90,000 items elsewhere)",
                "GET", f"/v1/library/search?q={ten_words}", auth=bob)
        measure(svc, "library search, 10 one-letter words, 90,000-item library", "GET",
                f"/v1/library/search?q={ten_words}", auth=alice)
        measure(svc, "library search, one letter, 90,000-item library", "GET", "/v1/library/search?q=a", auth=alice)
        measure(svc, "take-out of the account above (109 playlists, 90,000 items; zip read to its end)", "GET",
                "/v1/me/export", auth=alice)
        svc.stop()
    server.shutdown()
    hang_ups()


def hang_ups():
    """30 clients send a login and hang up 5 ms later, with one hashing slot: the peak memory
    shows how many hashes ran at once (argon2id holds 19 MiB each)."""
    import socket
    os.environ["SHARIFY_AUTH__HASH_CONCURRENCY"] = "1"
    with tempfile.TemporaryDirectory() as d:
        svc = Service(sys.argv[1] if len(sys.argv) > 1 else "target/release/sharify", Path(d))
        svc.sign_up("dave")
        time.sleep(1)
        pid = svc.proc.pid
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        idle = status_kib(pid, "VmRSS")
        body = json.dumps({"username": "dave", "password": "wrong horse battery staple"}).encode()
        request = (f"POST /v1/auth/tokens HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                   f"content-length: {len(body)}\r\n\r\n").encode() + body
        for _ in range(30):
            with socket.create_connection(("127.0.0.1", svc.port)) as s:
                s.sendall(request)
                time.sleep(0.005)
        time.sleep(3)  # every hash started has ended
        peak = status_kib(pid, "VmHWM")
        print(f"| 30 logins hung up after 5 ms, one hashing slot | - | - | - | {(peak - idle) / 1024:+.1f} MiB |")
        svc.stop()


if __name__ == "__main__":
    main()
