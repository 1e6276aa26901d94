#!/usr/bin/env bash
# Peak memory of streamed exports at Germany size (scripts/lib/germany-size.sh: about 4.4
# million records grown by SQL, not by the Germany-scale generator of issue "Germany scale").
# Measures each export's time and size and the server's peak resident memory (VmHWM) before
# and after. Needs the release binary
# (`scripts/build-site.sh`). Traffic only to 127.0.0.1, one request per export.
# Usage: scripts/bench-germany-export.sh [backends="postgres sqlite"]
set -euo pipefail
cd "$(dirname "$0")/.."
backends="${1:-postgres sqlite}"
port=3994
pg_db=ozg_bench_germany
source scripts/lib/release-instance.sh
source scripts/lib/germany-size.sh
export OZG_PUBLIC_READ=true

exports=(
  "/api/v1/records.csv"
  "/api/v1/records.csv?dialect=rfc4180"
  "/api/v1/federal-export.csv"
)

run() {
  local label="$1"
  export DATABASE_URL="$2"
  local grown
  grown="$(grow_to_germany_size)"
  start_server "$work_dir/server.log"
  local records
  records="$(curl -fs "$base/api/v1/records?pro_seite=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
  echo "$label: $records records ($grown); server peak RSS after start: $(peak_rss_mb) MB (now $(rss_split_mb))"
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
