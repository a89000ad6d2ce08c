#!/usr/bin/env python3
"""Memory of `GET /v1/me/export` (issue 29): the release binary on the embedded store, an account
with PLAYLISTS playlists of 10,000 items (imported as CSV), then the export read to its end while
the process's resident memory is sampled every 5 ms. Prints idle RSS, the peak during the export
and the growth; the target is a growth under 64 MiB for 20 playlists.

usage: tools/bench/takeout_memory.py [BINARY=target/release/sharify] [PLAYLISTS=20]
"""
import base64, json, os, socket, subprocess, sys, tempfile, threading, time, urllib.request

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/sharify"
playlists = int(sys.argv[2]) if len(sys.argv) > 2 else 20


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def call(method, url, body=None, token=None, content_type="application/json"):
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("content-type", content_type)
    if token:
        request.add_header("authorization", f"Bearer {token}")
    return urllib.request.urlopen(request, timeout=600)


port = free_port()
data = tempfile.mkdtemp()
env = dict(os.environ, SHARIFY_HTTP__BIND=f"127.0.0.1:{port}", SHARIFY_ADMIN__BIND=f"127.0.0.1:{free_port()}",
           SHARIFY_STORE__DATA_DIR=data, SHARIFY_LOG__LEVEL="warn", SHARIFY_DEEZER__ENABLED="false",
           SHARIFY_RATELIMIT__PER_MINUTE="1000000", SHARIFY_RATELIMIT__BURST="1000000")
server = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{port}"
try:
    for _ in range(300):
        try:
            call("GET", f"{base}/healthz")
            break
        except OSError:
            time.sleep(0.1)
    password = "bench password 1234"
    call("POST", f"{base}/v1/users", json.dumps({"username": "bench", "password": password, "display_name": "B"}).encode())
    token = json.load(call("POST", f"{base}/v1/auth/tokens", json.dumps({"username": "bench", "password": password}).encode()))["token"]
    for p in range(playlists):
        csv = "Track Name,Artist Name(s),Album Name,Duration (ms)\n" + "".join(
            f"Song {n} of list {p},Artist {n % 900},Album {n // 12},{180000 + n}\n" for n in range(10_000))
        call("POST", f"{base}/v1/playlists/import?name=list{p}", csv.encode(), token, "text/csv").read()
    # Idle: background work settled and freed memory given back (the service trims every 30 s).
    time.sleep(35)
    idle = rss_kib(server.pid)
    peak = [idle]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(server.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.time()
    size = 0
    with call("GET", f"{base}/v1/me/export", token=token) as r:
        while chunk := r.read(65536):
            size += len(chunk)
    took = time.time() - started
    done.set()
    sampler.join()
    print(f"export of {playlists} playlists x 10,000 items: {size / 1048576:.1f} MiB zip in {took:.2f} s; "
          f"RSS idle {idle / 1024:.1f} MiB, peak {peak[0] / 1024:.1f} MiB, growth {(peak[0] - idle) / 1024:.1f} MiB "
          f"(target < 64 MiB)")
finally:
    server.terminate()
    server.wait()
