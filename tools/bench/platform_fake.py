#!/usr/bin/env python3
"""A Deezer- and YouTube-shaped server for the platform benchmark: it enforces the platforms'
limits as they do (Deezer: 50 requests per 5 s per address, answered with the code-4 quota error
and HTTP 200; YouTube: none per second here, quota units per day are the service's to count),
adds latency to every answer, and counts requests, limit errors and the most requests in flight
at once. GET /stats answers those counts as JSON.

usage: platform_fake.py PORT [LATENCY_MS]
"""
import json
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT = int(sys.argv[1])
LATENCY = int(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.05
DEEZER_TRACKS = 1000          # one Deezer playlist of 1,000 tracks: 10 pages of 100
YOUTUBE_ITEMS = 500           # one YouTube playlist of 500 videos: 10 pages of 50

lock = threading.Lock()
stats = {"deezer": 0, "youtube": 0, "quota_errors": 0, "in_flight": {"deezer": 0, "youtube": 0},
         "max_in_flight": {"deezer": 0, "youtube": 0}}
deezer_window = deque()


def deezer_track(n):
    return {"id": n, "readable": True, "title": f"Song {n}", "link": f"https://www.deezer.com/track/{n}",
            "duration": 180 + n % 60, "artist": {"name": f"Artist {n % 37}"}, "album": {"title": f"Album {n % 11}"},
            "type": "track"}


def youtube_item(n):
    return {"kind": "youtube#playlistItem", "snippet": {"title": f"Artist {n % 23} - Video {n} (Official Video)",
            "videoOwnerChannelTitle": f"Artist {n % 23}", "resourceId": {"kind": "youtube#video", "videoId": f"v{n:010d}"}}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/stats":
            with lock:
                return self.answer(200, stats)
        platform = "deezer" if url.path.startswith("/deezer/") else "youtube"
        with lock:
            stats[platform] += 1
            stats["in_flight"][platform] += 1
            stats["max_in_flight"][platform] = max(stats["max_in_flight"][platform], stats["in_flight"][platform])
            over = False
            if platform == "deezer":
                now = time.monotonic()
                while deezer_window and now - deezer_window[0] > 5:
                    deezer_window.popleft()
                over = len(deezer_window) >= 50
                if not over:
                    deezer_window.append(now)
                else:
                    stats["quota_errors"] += 1
        try:
            time.sleep(LATENCY)
            if over:
                return self.answer(200, {"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}})
            if url.path.startswith("/deezer/playlist/") and url.path.endswith("/tracks"):
                index, limit = int(q.get("index", 0)), min(int(q.get("limit", 25)), 100)
                end = min(index + limit, DEEZER_TRACKS)
                body = {"data": [deezer_track(n) for n in range(index, end)], "total": DEEZER_TRACKS}
                if end < DEEZER_TRACKS:
                    body["next"] = f"https://api.deezer.com{url.path}?index={end}"
                return self.answer(200, body)
            if url.path.startswith("/deezer/playlist/"):
                return self.answer(200, {"id": 1, "title": "Bench", "description": "", "nb_tracks": DEEZER_TRACKS})
            if url.path == "/youtube/v3/playlistItems":
                start = int(q.get("pageToken", "0"))
                end = min(start + 50, YOUTUBE_ITEMS)
                body = {"items": [youtube_item(n) for n in range(start, end)],
                        "pageInfo": {"totalResults": YOUTUBE_ITEMS, "resultsPerPage": 50}}
                if end < YOUTUBE_ITEMS:
                    body["nextPageToken"] = str(end)
                return self.answer(200, body)
            return self.answer(404, {"error": "no such path"})
        finally:
            with lock:
                stats["in_flight"][platform] -= 1


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
