#!/usr/bin/env bash
# Pages of the record list (`GET /api/v1/records`, unfiltered, 100 per page) at Germany size
# (scripts/lib/germany-size.sh: about 4.4 million records): by page number (`seite`: the
# database skips the pages before it) against after a record (`nach`: keyset, it seeks). Times
# the first, middle and last page by number, then a walk of pages by `nach` from the start and
# one near the end. Release build (`scripts/build-site.sh`); sequential requests to
# 127.0.0.1 only, bounded in count.
# Usage: scripts/bench-record-pages.sh [pages walked=100] [backends="sqlite postgres"]
set -euo pipefail
cd "$(dirname "$0")/.."
walk="${1:-100}"
backends="${2:-sqlite postgres}"
port=3993
pg_db=ozg_bench_pages
source scripts/lib/release-instance.sh
source scripts/lib/germany-size.sh
export OZG_PUBLIC_READ=true
list="$base/api/v1/records?pro_seite=100"

# json_field FIELD: the field of the JSON document on stdin.
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1]) or "")' "$1"; }

# walk_from AFTER FILE: follows `next_after` for $walk pages from AFTER (empty: the first
# page), appending each request's time to FILE.
walk_from() {
  local after="$1" file="$2" page="$work_dir/page.json"
  for _ in $(seq 1 "$walk"); do
    curl -fs -o "$page" -w '%{time_total}\n' "$list${after:+&nach=$after}" >>"$file"
    after="$(json_field next_after <"$page")"
    [ -n "$after" ] || break
  done
}

run() {
  local label="$1"
  export DATABASE_URL="$2"
  local grown
  grown="$(grow_to_germany_size)"
  start_server "$work_dir/server.log"
  local total pages
  total="$(curl -fs "$list" | json_field total)"
  pages=$(( (total + 99) / 100 ))
  echo "$label: $total records, $pages pages of 100 ($grown)"
  for page in 1 $((pages / 2)) "$pages"; do
    local times="$work_dir/numbered.txt"
    : >"$times"
    for _ in 1 2 3; do
      curl -fs -o /dev/null -w '%{time_total}\n' "$list&seite=$page" >>"$times"
    done
    printf '  %-36s %s\n' "seite=$page" "$(summary "$times")"
  done
  local from_start="$work_dir/from-start.txt" near_end="$work_dir/near-end.txt"
  : >"$from_start"
  : >"$near_end"
  walk_from "" "$from_start"
  printf '  %-36s %s\n' "nach, from the first page" "$(summary "$from_start")"
  # the cursor of a page close to the end, found once by number (not timed)
  local start_after
  start_after="$(curl -fs "$list&seite=$((pages - walk - 1))" | json_field next_after)"
  walk_from "$start_after" "$near_end"
  printf '  %-36s %s\n' "nach, from page $((pages - walk))" "$(summary "$near_end")"
  stop_server
}

run_on_backends "$backends"
