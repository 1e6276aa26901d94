#!/usr/bin/env python3
"""Authenticated single-record update throughput over HTTP (PATCH /api/v1/records/{id}).

Each worker owns its records (no conflicts), reads nothing in between: it keeps the version
from the previous answer. Traffic goes only to the given 127.0.0.1 address; the run is
bounded by the request count. Prints requests/s and latency percentiles.
With STOP_FILE, each worker goes on (up to the request count) until that file exists: a
colleague editing while something else runs (scripts/bench-imports.sh).
Usage: bench_updates.py BASE_URL TOKEN [requests=2000] [workers=4] [STOP_FILE]
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

base, token = sys.argv[1], sys.argv[2]
total = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
workers = int(sys.argv[4]) if len(sys.argv) > 4 else 4
stop_file = sys.argv[5] if len(sys.argv) > 5 else None
url = urllib.parse.urlparse(base)
assert url.hostname == "127.0.0.1", "load goes to loopback only"
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


c = connect()
# the records of one service (BENCH_SERVICE, default 10000), ten per worker
service = os.environ.get("BENCH_SERVICE", "10000")
c.request("GET", f"/api/v1/records?ozg_id={service}&pro_seite={workers * 10}", headers=headers)
records = json.loads(c.getresponse().read())["items"]
assert len(records) >= workers, "enough records"
latencies, errors = [], []
lock = threading.Lock()


def work(n, mine):
    conn = connect()
    versions = {r["id"]: r["version"] for r in mine}
    ids = list(versions)
    local = []
    for i in range(n):
        if stop_file is not None and os.path.exists(stop_file):
            break
        rid = ids[i % len(ids)]
        body = json.dumps({"version": versions[rid], "note": f"Benchmark {i}", "comment": "bench"})
        t = time.perf_counter()
        conn.request("PATCH", f"/api/v1/records/{rid}", body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        local.append(time.perf_counter() - t)
        if r.status != 200:
            errors.append((r.status, data[:200]))
            return
        versions[rid] = json.loads(data)["version"]
    with lock:
        latencies.extend(local)


per = total // workers
threads = [threading.Thread(target=work, args=(per, records[w::workers])) for w in range(workers)]
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - start
if errors:
    print("errors:", errors[:3])
    sys.exit(1)
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000
print(f"{len(latencies)} updates, {workers} workers: {len(latencies) / elapsed:.0f} updates/s, "
      f"p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms, "
      f"max {latencies[-1] * 1000:.1f} ms")
