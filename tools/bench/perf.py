#!/usr/bin/env python3
"""The performance benchmark of issue 11: one run, one machine, figures as ratios.

Prints one table: our figure, the reference figure and the ratio, for
  1. GET /v1/playlists/{id} (100 items, bearer token) against nginx serving the identical bytes,
     plus the share page /p/{id} and the legacy GET /playlist (Basic);
  2. the same GET answered 304 (If-None-Match);
  3. adding one item to a 10,000-item playlist against adding one to a 100-item playlist (p50), on
     the embedded store and on the MongoDB test server, and the embedded store's size afterwards;
  5. ready time and resident memory: idle after start, idle after a sign-up and a playlist, peak
     under 64 concurrent clients, and a minute after that load.

Run it through tools/bench/perf.sh (which builds the release binary and checks wrk and nginx).
usage: perf.py BINARY [--secs N] [--settle SECS]
"""
import argparse
import base64
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bench password 123"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Client:
    """A tiny keep-alive HTTP client (the standard library's), JSON in and out."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        h = {"content-type": "application/json"} if data is not None else {}
        h.update(headers or {})
        self.conn.request(method, path, body=data, headers=h)
        r = self.conn.getresponse()
        raw = r.read()
        return r.status, dict(r.getheaders()), raw


class Service:
    """One sharify process on a fresh data directory (or a MongoDB URI)."""

    def __init__(self, binary, work, mongo_uri=None, database=None):
        self.port, self.admin = free_port(), free_port()
        env = dict(os.environ)
        env.update({
            "SHARIFY_HTTP__BIND": f"127.0.0.1:{self.port}", "SHARIFY_ADMIN__BIND": f"127.0.0.1:{self.admin}",
            "SHARIFY_STORE__DATA_DIR": str(work / "data"), "SHARIFY_LOG__LEVEL": "warn", "SHARIFY_DEEZER__ENABLED": "false",
            "SHARIFY_RATELIMIT__PER_MINUTE": "100000000", "SHARIFY_RATELIMIT__BURST": "10000000",
            "SHARIFY_RATELIMIT__ANONYMOUS_PER_MINUTE": "100000000", "SHARIFY_RATELIMIT__ANONYMOUS_BURST": "10000000",
            "SHARIFY_AUTH__MAX_FAILURES_PER_USER": "100000", "SHARIFY_AUTH__MAX_FAILURES_PER_IP": "100000",
        })
        if mongo_uri:
            env["SHARIFY_MONGO__URI"] = mongo_uri
            env["SHARIFY_MONGO__DATABASE"] = database
        self.data = work / "data"
        work.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        self.proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL,
                                     stderr=open(work / "server.log", "ab"))
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.005)
        else:
            raise SystemExit(f"the service did not become ready; see {work / 'server.log'}")
        self.ready_ms = (time.perf_counter() - start) * 1000
        self.client = Client(self.port)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def sign_up(self, username):
        c = self.client
        c.call("POST", "/v1/users", {"username": username, "password": PASSWORD, "display_name": username})
        status, _, raw = c.call("POST", "/v1/auth/tokens", {"username": username, "password": PASSWORD})
        assert status == 201 or status == 200, raw
        return {"Authorization": "Bearer " + json.loads(raw)["token"]}

    def playlist(self, auth, name, items, visibility="public"):
        status, _, raw = self.client.call("POST", "/v1/playlists", {"name": name, "visibility": visibility}, auth)
        assert status == 201, raw
        pid = json.loads(raw)["id"]
        for start in range(0, items, 500):
            batch = [{"artist": f"Artist {i}", "title": f"Track {i}", "album": "Album"}
                     for i in range(start, min(items, start + 500))]
            status, _, raw = self.client.call("POST", f"/v1/playlists/{pid}/items",
                                              {"tracks": batch, "on_duplicate": "allow"}, auth)
            assert status in (200, 201), raw
        return pid


def wrk(url, secs, headers=(), script=None, sample_pid=None):
    """Runs wrk -t2 -c64; returns requests/s, p50 ms, p99 ms, non-2xx count, peak RSS of sample_pid."""
    cmd = ["wrk", "-t2", "-c64", f"-d{secs}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mib(sample_pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample) if sample_pid else None
    if sampler:
        sampler.start()
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    done.set()
    if sampler:
        sampler.join()

    def ms(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "bad": int(non2xx.group(1)) if non2xx else 0,
            "peak": peak[0]}


def nginx_serving(body, work):
    """Starts nginx serving `body` at /body with the same content type; returns (url, process)."""
    root = work / "nginx"
    (root / "www").mkdir(parents=True)
    (root / "www" / "body").write_bytes(body)
    for d in (work, root, root / "www"):  # nginx's workers may run as another user
        d.chmod(0o755)
    (root / "www" / "body").chmod(0o644)
    port = free_port()
    conf = root / "nginx.conf"
    # Debian's packaged defaults (nginx.conf as shipped): auto workers, sendfile, access log on,
    # default keep-alive limits; only paths and the port differ.
    conf.write_text(f"""
worker_processes auto;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 768; }}
http {{
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  default_type application/octet-stream;
  access_log {root}/access.log;
  client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  server {{
    listen 127.0.0.1:{port};
    location = /body {{ root {root}/www; default_type application/json; }}
  }}
}}
""")

    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(root)], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/body"
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/body")
            r = c.getresponse()
            if r.read() == body:
                return url, proc
        except OSError:
            time.sleep(0.02)
    proc.terminate()
    raise SystemExit(f"nginx did not serve the body; see {root / 'error.log'}")


def add_one_p50(svc, auth, pid, n):
    """Median time (ms) of n sequential one-item adds, each over an open connection."""
    times = []
    for i in range(n):
        body = {"tracks": [{"artist": f"Extra {i}", "title": f"Added {time.time_ns()}"}], "on_duplicate": "allow"}
        t = time.perf_counter()
        status, _, raw = svc.client.call("POST", f"/v1/playlists/{pid}/items", body, auth)
        times.append((time.perf_counter() - t) * 1000)
        assert status in (200, 201), raw
    return statistics.median(times)


def write_cost(binary, work, label, n, mongo_uri=None):
    svc = Service(binary, work, mongo_uri, f"bench_{os.getpid()}_{label}")
    try:
        auth = svc.sign_up("writer")
        small = svc.playlist(auth, "small", 100, "private")
        # A playlist holds at most 10,000 items: fill it so the timed adds end exactly there.
        large = svc.playlist(auth, "large", 10_000 - n, "private")
        small_ms, large_ms = add_one_p50(svc, auth, small, n), add_one_p50(svc, auth, large, n)
        size = sum(f.stat().st_size for f in svc.data.rglob("*") if f.is_file()) if not mongo_uri else None
        return small_ms, large_ms, size
    finally:
        svc.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--secs", type=int, default=10)
    p.add_argument("--settle", type=int, default=60, help="seconds to wait after load before the last RSS reading")
    p.add_argument("--adds", type=int, default=30, help="one-item adds timed per playlist size")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sharify-bench-"))
    rows = []

    def row(what, ours, ref, ratio, target):
        rows.append((what, ours, ref, ratio, target))
        print(f"  measured: {what.strip()}: {ours} | {ref} | {ratio}", file=sys.stderr, flush=True)

    try:
        svc = Service(args.binary, work / "read")
        # "Idle" is after 10 quiet seconds (the service gives freed memory back every 5 s).
        time.sleep(10)
        rss_start = rss_mib(svc.proc.pid)
        auth = svc.sign_up("bench")
        pid = svc.playlist(auth, "Bench playlist", 100)
        status, headers, body = svc.client.call("GET", f"/v1/playlists/{pid}", headers=auth)
        assert status == 200 and len(json.loads(body)["items"]) == 100
        etag = {k.lower(): v for k, v in headers.items()}.get("etag", '"0"')
        time.sleep(10)
        rss_idle = rss_mib(svc.proc.pid)
        base = f"http://127.0.0.1:{svc.port}"
        auth_h = f"Authorization: {auth['Authorization']}"

        ngx_url, ngx = nginx_serving(body, work)
        try:
            ours = wrk(f"{base}/v1/playlists/{pid}", args.secs, [auth_h], sample_pid=svc.proc.pid)
            ref = wrk(ngx_url, args.secs)
        finally:
            ngx.terminate()
            ngx.wait()
        row("1. GET /v1/playlists/{id}, 100 items (%d B), req/s" % len(body),
            f"{ours['rps']:,.0f}", f"{ref['rps']:,.0f} (nginx, same bytes)", f"{ours['rps'] / ref['rps']:.1%}", ">= 40%")
        row("   its p99 / p50 latency", f"{ours['p99']:.1f} / {ours['p50']:.1f} ms",
            f"{ref['p99']:.1f} / {ref['p50']:.1f} ms", "", "p99 < 10 ms")
        row("   non-2xx responses", str(ours["bad"]), str(ref["bad"]), "", "0")
        page = wrk(f"{base}/p/{pid}", args.secs)
        row("   share page /p/{id}, req/s", f"{page['rps']:,.0f}", "", f"{page['rps'] / ref['rps']:.1%} of nginx",
            f"non-2xx {page['bad']}")
        basic = base64.b64encode(f"bench:{PASSWORD}".encode()).decode()
        lua = work / "legacy.lua"
        lua.write_text('wrk.method = "GET"\nwrk.body = \'{"name": "Bench playlist"}\'\n'
                       'wrk.headers["Content-Type"] = "application/json"\n'
                       f'wrk.headers["Authorization"] = "Basic {basic}"\n')
        legacy = wrk(f"{base}/playlist", args.secs, script=str(lua))
        row("   legacy GET /playlist (Basic), req/s", f"{legacy['rps']:,.0f}", "",
            f"{legacy['rps'] / ref['rps']:.1%} of nginx", f"non-2xx {legacy['bad']}")
        cond = wrk(f"{base}/v1/playlists/{pid}", args.secs, [auth_h, f"If-None-Match: {etag}"])
        row("2. the same GET answered 304 (If-None-Match), req/s", f"{cond['rps']:,.0f}",
            f"{ours['rps']:,.0f} (200)", f"{cond['rps'] / ours['rps']:.2f}x", "304s, no body")
        peak = ours["peak"]
        time.sleep(args.settle)
        rss_after = rss_mib(svc.proc.pid)
        svc.stop()

        for label, uri in (("embedded", None), ("mongo", os.environ.get("BENCH_MONGO_URI"))):
            if label == "mongo" and not uri:
                row("3. add 1 item, MongoDB double", "skipped", "", "", "BENCH_MONGO_URI unset")
                continue
            small, large, size = write_cost(args.binary, work / f"write-{label}", label, args.adds, uri)
            row(f"3. add 1 item at 10,000 items vs at 100, p50 ({label})", f"{large:.1f} ms", f"{small:.1f} ms",
                f"{large / small:.1f}x", "<= 3x")
            if size is not None:
                row("   embedded store size after the 10,000-item playlist", f"{size / 2**20:.1f} MiB", "", "", "")

        row("5. start -> /readyz 200", f"{svc.ready_ms:.0f} ms", "", "", "< 100 ms")
        row("   RSS idle after start", f"{rss_start:.1f} MiB", "", "", "")
        row("   RSS idle after sign-up, login, 100-item playlist", f"{rss_idle:.1f} MiB", "", "", "<= 20 MiB")
        row("   peak RSS, 64 clients reading", f"{peak:.1f} MiB", "", "", "<= 60 MiB")
        row(f"   RSS {args.settle} s after the load", f"{rss_after:.1f} MiB", "", "", "< 30 MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    widths = [max(len(r[i]) for r in rows + [("what", "ours", "reference", "ratio", "target")]) for i in range(5)]
    line = lambda r: " | ".join(c.ljust(w) for c, w in zip(r, widths))
    print(line(("what", "ours", "reference", "ratio", "target")))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
    print(f"\nmachine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB,"
          f" {os.uname().machine}; wrk -t2 -c64 -d{args.secs}s on the same cores; {time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    sys.exit(main())
