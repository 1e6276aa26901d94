"""Times a read-only SQL file on the benchmark database, RUNS times, and prints each run's
seconds (wall time of executing it and fetching every row) one per line.
SQLite through Python's sqlite3 module, PostgreSQL through psql's own timing.
Usage: python3 time_sql.py DATABASE_URL SQL_FILE RUNS"""
import re
import sqlite3
import subprocess
import sys
import time


def sqlite_runs(path, sql, runs):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for _ in range(runs):
        started = time.perf_counter()
        db.execute(sql).fetchall()
        yield time.perf_counter() - started


def postgres_runs(url, sql, runs):
    for _ in range(runs):
        out = subprocess.run(
            ["psql", "-X", "-q", "-At", "-o", "/dev/null", "-c", "\\timing on", "-c", sql, url],
            check=True, capture_output=True, text=True,
        ).stdout
        found = re.search(r"Time: ([0-9.]+) ms", out)
        if not found:
            sys.exit(f"psql printed no timing: {out!r}")
        yield float(found.group(1)) / 1000


def main(url, sql_file, runs):
    sql = open(sql_file, encoding="utf-8").read()
    if url.startswith("sqlite:"):
        timings = sqlite_runs(url.removeprefix("sqlite:"), sql, runs)
    else:
        timings = postgres_runs(url, sql, runs)
    for seconds in timings:
        print(f"{seconds:.6f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
