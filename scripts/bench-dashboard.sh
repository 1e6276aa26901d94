#!/usr/bin/env bash
# Server time of the dashboard (GET /, all charts and the map server-rendered) at Thüringen
# scale with demo history, on SQLite and PostgreSQL, for several filters and past dates; then
# the same after the history is doubled (`ozg-monitor demo-history`), to show that the time
# does not grow with the history. Each view is timed right after an edit (read and drawn anew)
# and repeated without edits (the drawn view is kept while the data is unchanged). Release
# build (`scripts/build-site.sh`); sequential requests to 127.0.0.1 only, bounded in
# count.
# Usage: scripts/bench-dashboard.sh [requests per view=40]
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-40}"
port=3997
pg_db=ozg_bench_dashboard
source scripts/lib/release-instance.sh
source scripts/lib/dashboard-timing.sh
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

# measure LABEL: p50/p95/max of curl's total time per view, twice: each request right after
# an edit (the view is read and drawn anew), and repeated without edits (after one warm-up:
# the view drawn once is served while the data is unchanged).
measure() {
  local label="$1" all_edited="$work_dir/all-edited.txt" all_repeated="$work_dir/all-repeated.txt"
  time_views "$requests" "${views[@]}"
  printf '  %-45s after an edit: %s\n' "all views ($label)" "$(summary "$all_edited")"
  printf '  %-45s repeated:      %s\n' "" "$(summary "$all_repeated")"
}

run() {
  local label="$1"
  export DATABASE_URL="$2"
  local started=$SECONDS
  demo_database "$DATABASE_URL"
  token="$(prepare_instance bench@example.org benchmark-passwort)"
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
