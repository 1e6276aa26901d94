#!/usr/bin/env bash
# Import times at Thüringen scale (demo history) on SQLite and PostgreSQL, and the server's
# peak resident memory (VmHWM). Status import: dry runs and applies of a Kreis's export and of
# the whole Land's (255,885 lines), unchanged and with edited lines. Catalogue import: the
# catalogue with one new Gemeinde service and one rename (dry run, apply: 633 new records with
# their rollups and history), then the LeiKa list (5,249 lines). Org-unit import: the shipped
# Gemeindeverzeichnis with Eisenach merged into the Wartburgkreis under a new AGS (dry run,
# apply: units, records taken over, rollups and the whole history rebuilt). Release build; one
# request of each, sequential, to 127.0.0.1 only, but for a colleague's single-record edits
# during the Land's apply (their latency shows how long the import holds the write lock).
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

# upload KIND FILE QUERY SUMMARY: POSTs $work_dir/FILE to /api/v1/imports/KIND?QUERY and prints
# status, time, the report summarised by the Python expression SUMMARY (over `r`) and the
# server's peak memory. Needs $auth.
upload() {
  local answer
  answer="$(curl -s -H "$auth" -H 'Content-Type: text/csv' --data-binary "@$work_dir/$2" \
    -o "$work_dir/report.json" -w '%{http_code} %{time_total}' "$base/api/v1/imports/$1?$3")"
  printf '  %-18s %-14s HTTP %s in %6.2f s; %s; server peak RSS so far %s MB\n' "$2" "$3" \
    "${answer% *}" "${answer#* }" \
    "$(python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print($4 if r.get('error') is None else r)" "$work_dir/report.json")" \
    "$(peak_rss_mb)"
}

run() {
  local label="$1" token
  export DATABASE_URL="$2"
  demo_database "$DATABASE_URL"
  token="$(prepare_instance bench@example.org benchmark-passwort)"
  start_server "$work_dir/server.log"
  auth="Authorization: Bearer $token"
  curl -fs -H "$auth" -o "$work_dir/land.csv" "$base/api/v1/records.csv"
  curl -fs -H "$auth" -o "$work_dir/kreis.csv" "$base/api/v1/records.csv?kreis=16068"
  edit "$work_dir/kreis.csv" 1000 "$work_dir/kreis-edited.csv"
  edit "$work_dir/land.csv" "$edited" "$work_dir/land-edited.csv"
  echo "$label: Land file $(($(wc -l <"$work_dir/land.csv") - 1)) lines, Kreis 16068 file $(($(wc -l <"$work_dir/kreis.csv") - 1)) lines; server peak RSS after start: $(peak_rss_mb) MB"
  local status_summary='"%s changed, %s unchanged, %s failed" % (r["changed"], r["unchanged"], r["failed"])'
  for step in "kreis.csv dry_run=true" "kreis-edited.csv dry_run=true" "kreis-edited.csv dry_run=false" \
              "land.csv dry_run=true" "land-edited.csv dry_run=true"; do
    upload status $step "$status_summary"
  done
  # the Land's file applied while a colleague saves records one after another (ten records of
  # a service whose lines the edit leaves alone; the import refuses those ten lines as stale,
  # as it should): the import writes in chunks, so an edit waits for one chunk at most
  rm -f "$work_dir/import-done"
  BENCH_SERVICE=10500 python3 scripts/bench_updates.py "$base" "$token" 100000 1 "$work_dir/import-done" \
    >"$work_dir/colleague.txt" &
  local colleague=$!
  upload status land-edited.csv dry_run=false "$status_summary"
  touch "$work_dir/import-done"
  wait "$colleague" || { echo "the colleague's edits failed: $(cat "$work_dir/colleague.txt")" >&2; exit 1; }
  echo "  a colleague's edits during that import: $(cat "$work_dir/colleague.txt")"
  python3 - reference-data/ozg/leistungen.csv "$work_dir/catalogue.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))
rows[1][1] += " (neu benannt)"
rows.append(["10700", "Entschädigung nach § 56 Abs. 1 IfSG", "Gesundheit", "Gesundheit", "1", "2/3", "0"])
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    csv.writer(f).writerows(rows)
PY
  cp reference-data/ozg/leika_leistungen.csv "$work_dir/leika.csv"
  local catalogue_summary='"%d new, %d changed, %s unchanged, %s records created" % (len(r["added"]), len(r["changed"]), r["unchanged"], r["records_created"])'
  for step in "catalogue.csv dry_run=true" "catalogue.csv dry_run=false" "leika.csv dry_run=true"; do
    upload catalogue $step "$catalogue_summary"
  done
  python3 - reference-data/gebiete/thueringen_gemeinden_2020.csv "$work_dir/gemeinden.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    rows = list(csv.DictReader(f))
for row in rows:
    row["vorgaenger_ags"] = ""
    if row["ags_8"] == "16056000":  # Eisenach joins the Wartburgkreis (as in 2021)
        row.update(ags_8="16063105", ars_12="160630105105", kreis_schluessel_5="16063",
                   kreis="Wartburgkreis", vorgaenger_ags="16056000")
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
PY
  local territory_summary='"%d new, %d changed, %d dissolved, %s unchanged, %s records created (%s taken over)" % (len(r["added"]), len(r["changed"]), len(r["dissolved"]), r["unchanged"], r["records_created"], r["records_taken_over"])'
  for step in "gemeinden.csv dry_run=true" "gemeinden.csv dry_run=false"; do
    upload org-units $step "$territory_summary"
  done
  stop_server
}

run_on_backends "$backends"
