#!/usr/bin/env python3
"""Bounded load test: readers and coordinators at once, for a fixed time, against one server.

Readers fetch pages and API lists a CIO office and ministries use; coordinators edit their own
records (PATCH with the version they hold). Afterwards every acknowledged edit must be in its
record's history exactly once, and no answer may be a 5xx. Traffic only to 127.0.0.1.
Usage: load_test.py BASE_URL TOKEN [seconds=20] [readers=8] [coordinators=4]
Prints latency percentiles per kind; exits 1 on any 5xx, transport error or lost write.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

base, token = sys.argv[1], sys.argv[2]
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 20
readers = int(sys.argv[4]) if len(sys.argv) > 4 else 8
coordinators = int(sys.argv[5]) if len(sys.argv) > 5 else 4
url = urllib.parse.urlparse(base)
assert url.hostname == "127.0.0.1", "load goes to loopback only"
auth = {"Authorization": f"Bearer {token}"}

READ_PATHS = [
    "/",
    "/leistungen",
    "/leistungen?themenfeld=1&seite=2",
    "/leistungen/10000",
    "/organisationen/16068",
    "/aenderungen",
    "/api/v1/services?pro_seite=50",
    "/api/v1/records?org_unit=16068&pro_seite=100",
    "/api/v1/changes?since=2025-01-01",
    "/healthz",
]


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def get_json(conn, path):
    conn.request("GET", path, headers=auth)
    r = conn.getresponse()
    body = r.read()
    assert r.status == 200, (path, r.status, body[:200])
    return json.loads(body)


lock = threading.Lock()
latencies = {"read": [], "write": []}
failures = []
acknowledged = []  # (record id, note)
deadline = time.monotonic() + seconds


def record(kind, took, status, what):
    with lock:
        latencies[kind].append(took)
        if status >= 500:
            failures.append((what, status))


def reader(n):
    conn = connect()
    i = n
    while time.monotonic() < deadline:
        path = READ_PATHS[i % len(READ_PATHS)]
        i += 1
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers=auth)
            r = conn.getresponse()
            r.read()
        except Exception as e:  # a dropped connection is a failure too
            with lock:
                failures.append((path, repr(e)))
            conn = connect()
            continue
        record("read", time.perf_counter() - t, r.status, path)


def coordinator(n, mine):
    conn = connect()
    versions = {r["id"]: r["version"] for r in mine}
    ids = list(versions)
    i = 0
    while time.monotonic() < deadline:
        rid = ids[i % len(ids)]
        note = f"Last {n}-{i}"
        i += 1
        body = json.dumps({"version": versions[rid], "note": note, "comment": "Lasttest"})
        t = time.perf_counter()
        try:
            conn.request("PATCH", f"/api/v1/records/{rid}", body=body,
                         headers={**auth, "Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
        except Exception as e:
            with lock:
                failures.append((f"PATCH {rid}", repr(e)))
            conn = connect()
            continue
        record("write", time.perf_counter() - t, r.status, f"PATCH {rid}")
        if r.status == 200:
            versions[rid] = json.loads(data)["version"]
            with lock:
                acknowledged.append((rid, note))
        elif r.status == 409:
            versions[rid] = get_json(conn, f"/api/v1/records/{rid}")["version"]


setup = connect()
records = get_json(setup, f"/api/v1/records?org_unit=16068&pro_seite={coordinators * 5}")["items"]
assert len(records) >= coordinators * 5, "enough records"
threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
threads += [threading.Thread(target=coordinator, args=(n, records[n * 5:(n + 1) * 5]))
            for n in range(coordinators)]
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - start

# every acknowledged edit is in the history, once
lost = []
history = {}
for rid, note in acknowledged:
    if rid not in history:
        history[rid] = get_json(setup, f"/api/v1/records/{rid}/history")
    notes = [e for e in history[rid] if any(c.get("field") == "note" and c.get("new") == note
                                            for c in e.get("changes", []))]
    if len(notes) != 1:
        lost.append((rid, note, len(notes)))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000 if values else float("nan")


for kind, values in latencies.items():
    print(f"  {kind}: {len(values)} requests, {len(values) / elapsed:.0f}/s, p50 {pct(values, .5):.1f} ms, "
          f"p95 {pct(values, .95):.1f} ms, p99 {pct(values, .99):.1f} ms")
print(f"  {len(acknowledged)} acknowledged edits, {len(lost)} missing from the history, "
      f"{len(failures)} failures (5xx or dropped)")
if failures:
    print("  failures:", failures[:5])
if lost:
    print("  lost:", lost[:5])
sys.exit(1 if failures or lost else 0)
