#!/usr/bin/env bash
# Server time of the dashboard (GET /, all charts and the map server-rendered) at Thüringen
# scale with demo history, on SQLite and PostgreSQL, for several filters and past dates; then
# the same after the history is doubled (`ozg-monitor demo-history`), to show that the time
# does not grow with the history. Release build (`cargo leptos build --release`); sequential
# requests to 127.0.0.1 only, bounded in count.
# Usage: scripts/bench-dashboard.sh [requests per view=40]
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-40}"
port=3997
pg_db=ozg_bench_dashboard
source scripts/lib/release-instance.sh
# the pages are read without signing in
export OZG_PUBLIC_READ=true

views=(
  "/"
  "/?themenfeld=6"
  "/?ressort=TMDI&stand=teilweise"
  "/?kreis=16051"
  "/?am=2022-12-31"
  "/?kreis=16063&am=2023-06-30&karte=einwohner"
)

# measure LABEL: p50/p95/max of curl's total time per view (one warm-up request each).
measure() {
  local label="$1" all="$work_dir/all.txt"
  : >"$all"
  for view in "${views[@]}"; do
    curl -fs -o /dev/null "$base$view"
    local times="$work_dir/times.txt"
    for _ in $(seq 1 "$requests"); do
      curl -fs -o /dev/null -w '%{time_total}\n' "$base$view"
    done >"$times"
    cat "$times" >>"$all"
    printf '  %-45s %s\n' "$view" "$(summary "$times")"
  done
  printf '  %-45s %s\n' "all views ($label)" "$(summary "$all")"
}

# summary FILE: "p50 … ms, p95 … ms, max … ms" of the seconds in FILE.
summary() {
  sort -n "$1" | awk '{ t[NR] = $1 * 1000 } END {
    p50 = t[int((NR - 1) * 0.50) + 1]; p95 = t[int((NR - 1) * 0.95) + 1];
    printf "p50 %.1f ms, p95 %.1f ms, max %.1f ms (n=%d)", p50, p95, t[NR], NR }'
}

run() {
  local label="$1"
  export DATABASE_URL="$2"
  fresh_database "$DATABASE_URL"
  local started=$SECONDS
  prepare_instance bench@example.org benchmark-passwort --demo-data >/dev/null
  echo "$label: demo history prepared in $((SECONDS - started)) s"
  start_server "$work_dir/server.log"
  measure "$label, demo history"
  stop_server
  started=$SECONDS
  "$bin" demo-history --rounds 1 --log warn
  echo "$label: history doubled in $((SECONDS - started)) s"
  start_server "$work_dir/server.log"
  measure "$label, history doubled"
  stop_server
}

run "SQLite" "$(sqlite_url)"
run "PostgreSQL" "$(postgres_url)"
