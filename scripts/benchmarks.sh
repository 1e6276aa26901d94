#!/usr/bin/env bash
# The benchmark suite behind BENCHMARKS.md: on each database, generates the data
# (`ozg-monitor generate`, run time and database size), then measures the app side by side
# with its reference in the same run:
#   - dashboard server time (after an edit and repeated) against the naive aggregate SQL
#     (scripts/naive_dashboard.sql) on the same database,
#   - the state-wide record list with counts per status and Themenfeld against Datasette
#     serving the same SQLite database with the same filter and facets,
#   - server memory idle and under HTTP load (wrk, bounded in time),
#   - authenticated single-record updates over HTTP against a raw sqlx loop (bench/),
#   - a status import of 100,000 changed lines against the same rows in a raw sqlx loop,
#   - the streamed CSV export of all records: time and peak memory of a fresh server,
# and the hydrate wasm's size raw, gzip and brotli. Release build (`scripts/build-site.sh`);
# every request goes to 127.0.0.1 and every load run stops by itself.
#
# Usage: scripts/benchmarks.sh [--smoke] [backends="sqlite postgres"]
#   default: Germany scale (about 4.4 million records with history; roughly an hour for both)
#   --smoke: Thüringen scale and a few requests, so the suite cannot rot (part of the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

scale=germany requests=20 naive_runs=5 load_seconds=20 updates=2000 import_lines=100000 profile_requests=10
if [ "${1:-}" = "--smoke" ]; then
  scale=thueringen requests=3 naive_runs=1 load_seconds=2 updates=100 import_lines=1000 profile_requests=2
  shift
fi
backends="${1:-sqlite postgres}"
port=3996
pg_db=ozg_bench_suite
source scripts/lib/release-instance.sh
source scripts/lib/dashboard-timing.sh
source scripts/lib/datasette.sh
# the pages and the export are read without signing in, as a public installation serves them
export OZG_PUBLIC_READ=true

for tool in wrk brotli .venv-bench/bin/datasette; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run scripts/setup.sh" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "$bin is missing: run scripts/build-site.sh" >&2; exit 1; }
# the raw sqlx update loop, the reference of the update throughput (bench/), built with the
# server by scripts/build-site.sh
[ -x target/release/raw-writes ] || { echo "target/release/raw-writes is missing: run scripts/build-site.sh" >&2; exit 1; }

views=("/" "/?themenfeld=6" "/?kreis=16051")

# ratio SLOW FAST: SLOW / FAST of two "p50 … ms" summaries' p50, as "×123".
p50_of() { sed -E 's/^p50 ([0-9.]+) ms.*/\1/' <<<"$1"; }
ratio() { awk -v a="$(p50_of "$1")" -v b="$(p50_of "$2")" 'BEGIN { printf "×%.0f", a / b }'; }

# load PATH SECONDS [curl-style header]: wrk with 2 threads and 8 connections, one line of
# requests/s and latency percentiles; fails when any request was answered with an error.
load() {
  local path="$1" seconds="$2" out
  shift 2
  # wrk's own timeout (2 s) would count a slow answer as a socket error and leave it out of
  # the latencies; the server's request timeout is 30 s
  out="$(wrk -t2 -c8 -d"${seconds}s" --timeout 30s --latency "$@" "$base$path")"
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then
    echo "$out" >&2
    echo "error answers or failed requests under load on $path" >&2
    return 1
  fi
  awk '/Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
       END { printf "%s requests/s, p50 %s, p99 %s", rps, p50, p99 }' <<<"$out"
}

run() {
  local label="$1"
  export DATABASE_URL="$2"
  echo "== $label, scale $scale"
  fresh_database "$DATABASE_URL"
  # the generator's own line: units, records, events, run time, database size
  /usr/bin/time -f "generator peak RSS %M KB" -o "$work_dir/time.txt" \
    "$bin" generate --scale "$scale" --log warn
  awk '{ printf "generator peak RSS %.0f MB\n", $4 / 1024 }' "$work_dir/time.txt"
  if [[ $DATABASE_URL == sqlite:* ]]; then datasette_view "${DATABASE_URL#sqlite:}"; fi
  token="$(prepare_instance bench@example.org benchmark-passwort)"

  start_server "$work_dir/server.log"
  echo "server RSS idle: $(rss_split_mb)"
  echo "dashboard server time (curl):"
  time_views "$requests" "${views[@]}"
  local all_edited="$work_dir/all-edited.txt" all_repeated="$work_dir/all-repeated.txt"
  python3 scripts/time_sql.py "$DATABASE_URL" scripts/naive_dashboard.sql "$naive_runs" >"$work_dir/naive.txt"
  local naive
  naive="$(summary "$work_dir/naive.txt")"
  echo "naive aggregate SQL: $naive"
  echo "dashboard, all views, after an edit: $(summary "$all_edited") ($(ratio "$naive" "$(summary "$all_edited")") faster than the naive SQL at p50)"
  echo "dashboard, all views, repeated: $(summary "$all_repeated") ($(ratio "$naive" "$(summary "$all_repeated")") faster)"

  if [[ $DATABASE_URL == sqlite:* ]]; then
    facets_vs_datasette "${DATABASE_URL#sqlite:}" "$requests"
  else
    time_state_list "$requests"
  fi

  local loaded
  loaded="$(load / "$load_seconds")"
  echo "load on / (kept views): $loaded"
  loaded="$(load "/api/v1/records?pro_seite=50" "$load_seconds" -H "Authorization: Bearer $token")"
  echo "load on the record list API: $loaded"
  echo "server RSS under load: peak $(peak_rss_mb) MB; now $(rss_split_mb)"

  # after the loads: the updates change records the load runs read
  local http raw
  http="$(python3 scripts/bench_updates.py "$base" "$token" "$updates" 4)"
  raw="$(target/release/raw-writes updates "$DATABASE_URL" "$updates" 4)"
  echo "authenticated single-record updates over HTTP: $http"
  echo "  raw sqlx loop, the same UPDATE + INSERT in one transaction: $raw"
  awk -v a="$(sed -E 's/.*: ([0-9]+) updates\/s.*/\1/' <<<"$http")" -v b="$(sed -E 's/.*: ([0-9]+) updates\/s.*/\1/' <<<"$raw")" \
    'BEGIN { printf "  the app reaches %.0f %% of the raw loop\n", 100 * a / b }'
  stop_server

  # a fresh server, so its peak memory is the export's
  start_server "$work_dir/server.log"
  local seconds
  seconds="$(curl -fs -o "$work_dir/export.csv" -w '%{time_total}' "$base/api/v1/records.csv")"
  printf 'CSV export of all records: %s lines, %.0f MB in %.1f s; server peak RSS %s MB (%s)\n' \
    "$(wc -l <"$work_dir/export.csv")" "$(awk -v b="$(stat -c %s "$work_dir/export.csv")" 'BEGIN { print b / 1048576 }')" \
    "$seconds" "$(peak_rss_mb)" "$(rss_split_mb)"

  # the first lines of the export, each with a new note, as a status import; then the same
  # records through the raw loop in one transaction (each at the version the import left)
  python3 - "$work_dir/export.csv" "$import_lines" "$work_dir/import.csv" "$work_dir/raw-import.tsv" <<'PY'
import csv, sys
source, count, import_file, raw_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(source, encoding="utf-8-sig", newline="") as f:
    rows = csv.reader(f, delimiter=";")
    header = next(rows)
    lines = [row for _, row in zip(range(count), rows)]
record, version, note = (header.index(c) for c in ("Datensatz", "Version", "Bemerkung"))
with open(import_file, "w", encoding="utf-8-sig", newline="") as f:
    out = csv.writer(f, delimiter=";", lineterminator="\r\n")
    out.writerow(header)
    for row in lines:
        row[note] = f"Import {row[record]}"
        out.writerow(row)
with open(raw_file, "w", encoding="utf-8") as f:
    for row in lines:
        f.write(f"{row[record]}\t{int(row[version]) + 1}\tRoheintrag {row[record]}\n")
PY
  rm -f "$work_dir/export.csv"
  local answer
  answer="$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' --data-binary "@$work_dir/import.csv" \
    -o "$work_dir/report.json" -w '%{http_code} %{time_total}' "$base/api/v1/imports/status?dry_run=false")"
  python3 - "$work_dir/report.json" "${answer% *}" "${answer#* }" "$import_lines" <<'PY'
import json, sys
report, status, seconds, lines = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
if status != "200" or report.get("changed") != lines or report.get("failed"):
    sys.exit(f"the status import did not change every line: HTTP {status}, {str(report)[:500]}")
print(f"status import over HTTP, {lines} changed lines applied: {seconds:.2f} s, {lines / seconds:.0f} lines/s")
PY
  local raw_import
  raw_import="$(target/release/raw-writes import "$DATABASE_URL" "$work_dir/raw-import.tsv")"
  echo "  raw sqlx, the same records' UPDATE + INSERT in one transaction: $raw_import"
  awk -v app="${answer#* }" -v raw="$(sed -E 's/.*: ([0-9.]+) s,.*/\1/' <<<"$raw_import")" \
    'BEGIN { printf "  the import reaches %.0f %% of the raw loop'"'"'s speed\n", 100 * raw / app }'
  stop_server
  profile
}

# profile: where the time of a dashboard view and a state-wide list after an edit, and of
# the edit itself, goes — the server's own timing of each traced step (logging them slows
# the server, so this runs after the measurements, with a few requests of each).
profile() {
  local log="$work_dir/spans.log"
  export OZG_LOG_SPAN_TIMES=true
  server_log_filter="warn,server=debug" start_server "$log"
  unset OZG_LOG_SPAN_TIMES
  time_views "$profile_requests" "${views[@]}" >/dev/null
  time_state_list "$profile_requests" >/dev/null
  stop_server
  echo "profile of $profile_requests dashboard views and state-wide lists after an edit each, and the edits (server span timings):"
  python3 scripts/span_profile.py "$log"
}

run_on_backends "$backends"

wasm="$(ls target/site/pkg/*.wasm | head -1)"
printf 'hydrate wasm: %s bytes raw, %s gzip -9, %s brotli -q 11\n' \
  "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)" "$(brotli -c -q 11 "$wasm" | wc -c)"
# its profile: code per crate, from the names in the wasm cargo wrote before wasm-opt
python3 scripts/wasm_profile.py target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm 12
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
