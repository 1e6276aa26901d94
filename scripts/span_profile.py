#!/usr/bin/env python3
"""Sums up a server log written with OZG_LOG_SPAN_TIMES=true into a profile.

Each traced step logs one line when it ends (tracing's FmtSpan::CLOSE), e.g.
  … DEBUG dashboard{filter=…}:figures_at:dashboard_and_services_at: close time.busy=1.2ms time.idle=30ms
The step's wall time is busy + idle (idle: waiting, mostly for the database). Prints one line
per step, nested under the step that called it, with its count and wall time p50/p95 in ms.
Usage: span_profile.py LOG [min_count=1]
"""
import re
import sys
from collections import defaultdict

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CLOSE = re.compile(r"\s(?:TRACE|DEBUG|INFO|WARN|ERROR)\s+(?P<path>.+?): close time\.busy=(?P<busy>\S+) time\.idle=(?P<idle>\S+)")
UNITS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}


def millis(value):
    """tracing's duration text (`12.3µs`, `4.5ms`, `1.2s`) in milliseconds."""
    number = re.match(r"[0-9.]+", value).group(0)
    return float(number) * UNITS[value[len(number):]]


def without_fields(path):
    """`a{x=1}:b{y={2}}` → ["a", "b"]: the span names, their recorded fields removed."""
    names, depth, current = [], 0, ""
    for ch in path:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            if ch == ":":
                names.append(current)
                current = ""
            else:
                current += ch
    names.append(current)
    return [n for n in names if n]


def percentile(sorted_values, share):
    return sorted_values[int((len(sorted_values) - 1) * share)]


def main():
    log = sys.argv[1]
    min_count = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    walls = defaultdict(list)
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = CLOSE.search(ANSI.sub("", line))
            if m:
                walls[tuple(without_fields(m.group("path")))].append(millis(m.group("busy")) + millis(m.group("idle")))
    if not walls:
        sys.exit(f"no span timings in {log}: was the server started with OZG_LOG_SPAN_TIMES=true and --log …=debug?")
    print(f"  {'step (nested under its caller)':<58} {'n':>5} {'p50 ms':>9} {'p95 ms':>9}")
    # callers before the steps they call, siblings by name
    for path in sorted(walls):
        values = sorted(walls[path])
        if len(values) < min_count:
            continue
        label = "  " * (len(path) - 1) + path[-1]
        print(f"  {label:<58} {len(values):>5} {percentile(values, 0.5):>9.1f} {percentile(values, 0.95):>9.1f}")


if __name__ == "__main__":
    main()
