#!/usr/bin/env python3
"""Reads a wapiti JSON report; exits 1 on any finding above "low" that is not accepted in
ACCEPTED.txt (category | method | path prefix, with its reason), or on any anomaly (a 5xx the
scan provoked, or a request that timed out), after listing every finding.

Usage: wapiti_verdict.py REPORT.json ACCEPTED.txt
Levels are wapiti's: 0 info, 1 low, 2 medium, 3 high, 4 critical. Findings at "low" and
below are listed for the README's security section, where each is justified.
"""
import json
import sys

LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}

report = json.load(open(sys.argv[1], encoding="utf-8"))
accepted = [
    tuple(part.strip() for part in line.split("|"))
    for line in open(sys.argv[2], encoding="utf-8")
    if line.strip() and not line.startswith("#")
]


def is_accepted(category, finding):
    return any(
        category == c and finding["method"] == m and finding["path"].startswith(prefix)
        for c, m, prefix in accepted
    )


failed = False
for category, findings in sorted(report["vulnerabilities"].items()):
    for f in findings:
        level = f.get("level", 0)
        too_high = level > 1 and not is_accepted(category, f)
        failed |= too_high
        mark = "FAIL" if too_high else ("acc " if level > 1 else "ok  ")
        print(f"{mark} [{LEVELS.get(level, level)}] {category}: {f['method']} {f['path']} "
              f"{f.get('parameter') or ''} {f['info']}")
for category, findings in sorted(report["anomalies"].items()):
    for f in findings:
        failed = True
        print(f"FAIL [anomaly] {category}: {f['method']} {f['path']} "
              f"{f.get('parameter') or ''} {f['info']}")
crawled = report["infos"].get("crawled_pages_nbr")
print(f"wapiti: {crawled} pages crawled; "
      + ("findings above low or anomalies: see FAIL lines" if failed else "nothing above low"))
sys.exit(1 if failed else 0)
