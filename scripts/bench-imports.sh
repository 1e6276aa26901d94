#!/usr/bin/env bash
# Status import times at Thüringen scale (demo history) on SQLite and PostgreSQL: dry runs
# and applies of a Kreis's export and of the whole Land's (255,885 lines), unchanged and with
# edited lines, and the server's peak resident memory (VmHWM). Release build; one request of
# each, sequential, to 127.0.0.1 only.
# Usage: scripts/bench-imports.sh [edited lines in the Land file=10000] [backends="sqlite postgres"]
set -euo pipefail
cd "$(dirname "$0")/.."
edited="${1:-10000}"
backends="${2:-sqlite postgres}"
port=3994
pg_db=ozg_bench_imports
source scripts/lib/release-instance.sh

# edit FILE N OUT: a copy of the German CSV export FILE with a new note on its first N lines
edit() {
  python3 - "$1" "$2" "$3" <<'PY'
import csv, sys
source, count, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(source, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f, delimiter=";"))
note = rows[0].index("Bemerkung")
for row in rows[1 : count + 1]:
    row[note] = f"Benchmark {row[0]}"
with open(target, "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f, delimiter=";", lineterminator="\r\n").writerows(rows)
PY
}

run() {
  local label="$1" token
  export DATABASE_URL="$2"
  fresh_database "$DATABASE_URL"
  token="$(prepare_instance bench@example.org benchmark-passwort --demo-data)"
  start_server "$work_dir/server.log"
  local auth="Authorization: Bearer $token"
  curl -fs -H "$auth" -o "$work_dir/land.csv" "$base/api/v1/records.csv"
  curl -fs -H "$auth" -o "$work_dir/kreis.csv" "$base/api/v1/records.csv?kreis=16068"
  edit "$work_dir/kreis.csv" 1000 "$work_dir/kreis-edited.csv"
  edit "$work_dir/land.csv" "$edited" "$work_dir/land-edited.csv"
  echo "$label: Land file $(($(wc -l <"$work_dir/land.csv") - 1)) lines, Kreis 16068 file $(($(wc -l <"$work_dir/kreis.csv") - 1)) lines; server peak RSS after start: $(peak_rss_mb) MB"
  for step in "kreis.csv dry_run=true" "kreis-edited.csv dry_run=true" "kreis-edited.csv dry_run=false" \
              "land.csv dry_run=true" "land-edited.csv dry_run=true" "land-edited.csv dry_run=false"; do
    set -- $step
    local answer
    answer="$(curl -s -H "$auth" -H 'Content-Type: text/csv' --data-binary "@$work_dir/$1" \
      -o "$work_dir/report.json" -w '%{http_code} %{time_total}' "$base/api/v1/imports/status?$2")"
    printf '  %-18s %-14s HTTP %s in %6.2f s; %s; server peak RSS so far %s MB\n' "$1" "$2" \
      "${answer% *}" "${answer#* }" \
      "$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print("%s changed, %s unchanged, %s failed" % (r["changed"], r["unchanged"], r["failed"]) if "changed" in r else r)' "$work_dir/report.json")" \
      "$(peak_rss_mb)"
  done
  stop_server
}

run_on_backends "$backends"
