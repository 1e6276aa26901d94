#!/usr/bin/env bash
# Export and PDF report times at Thüringen scale (every record of the Land: 557 services × 633 Gemeinden,
# ministries and Kreise, with demo history) on SQLite and PostgreSQL, and the server's peak
# resident memory (VmHWM) while it streams them. Release build; sequential requests to
# 127.0.0.1 only, a bounded number of each.
# Usage: scripts/bench-exports.sh [runs per export=3] [backends="sqlite postgres"] [only paths matching=.]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
backends="${2:-sqlite postgres}"
only="${3:-.}"
port=3995
pg_db=ozg_bench_exports
source scripts/lib/release-instance.sh
export OZG_PUBLIC_READ=true

exports=(
  "/api/v1/federal-export.csv"
  "/api/v1/records.csv"
  "/api/v1/records.csv?dialect=rfc4180"
  "/api/v1/records.xlsx"
  "/api/v1/records.xlsx?blaetter=themenfeld"
  "/api/v1/records.csv?kreis=16051"
  "/api/v1/federal-export.csv"
  "/api/v1/reports/land.pdf"
  "/api/v1/reports/TMDI.pdf"
  "/api/v1/reports/16051.pdf"
  "/api/v1/reports/land.pdf?am=2022-12-31"
)

run() {
  local label="$1"
  export DATABASE_URL="$2"
  demo_database "$DATABASE_URL"
  prepare_instance bench@example.org benchmark-passwort >/dev/null
  start_server "$work_dir/server.log"
  local records
  records="$(curl -fs "$base/api/v1/records?pro_seite=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
  echo "$label: $records records; server peak RSS after start: $(peak_rss_mb) MB"
  for path in "${exports[@]}"; do
    [[ "$path" =~ $only ]] || continue
    local times="$work_dir/times.txt" size=0
    : >"$times"
    for _ in $(seq 1 "$runs"); do
      curl -fs -o "$work_dir/export" -w '%{time_total}\n' "$base$path" >>"$times"
      size="$(stat -c %s "$work_dir/export")"
    done
    lines="$(wc -l <"$work_dir/export")"
    printf '  %-45s %s, %s MB (%s lines if text), server peak RSS so far %s MB\n' "$path" \
      "$(sort -n "$times" | awk '{ t[NR] = $1 } END { printf "median %.2f s, max %.2f s (n=%d)", t[int((NR + 1) / 2)], t[NR], NR }')" \
      "$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }')" "$lines" "$(peak_rss_mb)"
  done
  stop_server
}

run_on_backends "$backends"
