#!/usr/bin/env bash
# Peak memory of streamed exports at Germany size: the seeded Land plus every other German
# Kreis and Gemeinde of the Destatis list (reference-data/gebiete/deutschland_gemeinden_2020.csv)
# with one record per (Gemeinde service, Gemeinde) — about 4.9 million records — grown by SQL
# (scripts/germany_records.py), not by the Germany-scale generator (issue "Germany scale"):
# no history, statuses a deterministic mix. Measures each export's time and size and the
# server's peak resident memory (VmHWM) before and after. Needs the release binary
# (`cargo leptos build --release`). Traffic only to 127.0.0.1, one request per export.
# Usage: scripts/bench-germany-export.sh [backends="postgres sqlite"]
set -euo pipefail
cd "$(dirname "$0")/.."
backends="${1:-postgres sqlite}"
port=3994
pg_db=ozg_bench_germany
source scripts/lib/release-instance.sh
export OZG_PUBLIC_READ=true
sql="$work_dir/germany.sql"
python3 scripts/germany_records.py reference-data/gebiete/deutschland_gemeinden_2020.csv 16 >"$sql"

exports=(
  "/api/v1/records.csv"
  "/api/v1/records.csv?dialect=rfc4180"
  "/api/v1/federal-export.csv"
)

run() {
  local label="$1"
  export DATABASE_URL="$2"
  fresh_database "$DATABASE_URL"
  "$bin" migrate --log warn
  local started=$SECONDS
  case "$DATABASE_URL" in
    postgres*)
      psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d "$pg_db" -f "$sql"
      psql -q -h 127.0.0.1 -U postgres -d "$pg_db" -c "VACUUM ANALYZE" ;;
    sqlite:*)
      python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.execute("ANALYZE"); c.close()' \
        "${DATABASE_URL#sqlite:}" "$sql" ;;
  esac
  local size
  case "$DATABASE_URL" in
    postgres*) size="$(psql -tA -h 127.0.0.1 -U postgres -d "$pg_db" -c "SELECT pg_database_size('$pg_db') / 1048576")" ;;
    sqlite:*) size="$(( $(stat -c %s "${DATABASE_URL#sqlite:}") / 1048576 ))" ;;
  esac
  start_server "$work_dir/server.log"
  local records
  records="$(curl -fs "$base/api/v1/records?pro_seite=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
  echo "$label: $records records (grown in $((SECONDS - started)) s, database $size MB); server peak RSS after start: $(peak_rss_mb) MB (now $(rss_split_mb))"
  for path in "${exports[@]}"; do
    local time
    time="$(curl -fs -o "$work_dir/export" -w '%{time_total}' "$base$path")"
    printf '  %-40s %6.1f s, %7.1f MB, %9s lines, server peak RSS so far %s MB (now %s)\n' "$path" "$time" \
      "$(awk -v b="$(stat -c %s "$work_dir/export")" 'BEGIN { printf "%.1f", b / 1048576 }')" \
      "$(wc -l <"$work_dir/export")" "$(peak_rss_mb)" "$(rss_split_mb)"
  done
  stop_server
}

run_on_backends "$backends"
