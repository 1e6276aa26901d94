# The state-wide record list with counts per status and Themenfeld, side by side with
# Datasette (PyPI `datasette`, installed into .venv-bench by scripts/setup.sh) serving the same
# SQLite database with the same filter and facets. Source after scripts/lib/release-instance.sh
# and scripts/lib/dashboard-timing.sh (for `summary`), with $token an API token.

datasette_port=3997
datasette_base="http://127.0.0.1:$datasette_port"
# all of Thüringen: units whose Regionalschlüssel begins with 16, and those without one
# directly below such a unit (the ministries); the app's `gebiet=16`
facet_area=16

# datasette_view SQLITE_FILE: the records with what the filter and facets need, as a view
# Datasette can filter and facet (its filters work on one table or view).
datasette_view() {
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("""CREATE VIEW IF NOT EXISTS benchmark_record_list AS
  SELECT rec.id, rec.ozg_id, s.themenfeld_id, rec.status_code, o.code AS org_unit_code,
         o.name AS org_unit_name, COALESCE(o.ars, p.ars) AS area, o.valid_to
  FROM implementation_record rec JOIN service s ON s.ozg_id = rec.ozg_id
  JOIN org_unit o ON o.id = rec.org_unit_id LEFT JOIN org_unit p ON p.id = o.parent_id""")
db.commit()
PY
}

state_list_url="$base/api/v1/records?gebiet=$facet_area&pro_seite=50"

# time_state_list REQUESTS: the app's state-wide list, REQUESTS times right after an edit
# (counted anew) into $work_dir/app-facets-edited.txt and REQUESTS times repeated (the counts
# are kept while the data is unchanged, server/src/generation_cache.rs) into
# $work_dir/app-facets.txt (curl's total time, seconds); prints both summaries.
time_state_list() {
  local get=(curl -fs -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$state_list_url")
  pick_record
  for _ in $(seq 1 "$1"); do
    edit
    "${get[@]}"
  done >"$work_dir/app-facets-edited.txt"
  for _ in $(seq 1 "$1"); do "${get[@]}"; done >"$work_dir/app-facets.txt"
  echo "state-wide list (gebiet=$facet_area, 50 a page) with counts per status and Themenfeld:"
  echo "  after an edit: $(summary "$work_dir/app-facets-edited.txt")"
  echo "  repeated:      $(summary "$work_dir/app-facets.txt")"
}

# faster SLOW_SUMMARY FAST_SUMMARY: "×a at p50, ×b at p95" of two summaries.
faster() {
  awk -v a="$(p50_of "$1")" -v b="$(p50_of "$2")" \
      -v c="$(sed -E 's/.*p95 ([0-9.]+) ms.*/\1/' <<<"$1")" -v d="$(sed -E 's/.*p95 ([0-9.]+) ms.*/\1/' <<<"$2")" \
      'BEGIN { printf "×%.1f at p50, ×%.1f at p95", a / b, c / d }'
}

# facets_vs_datasette SQLITE_FILE REQUESTS: checks that both answer with the same counts,
# then times REQUESTS requests of each (curl's total time) and prints both and the ratio.
facets_vs_datasette() {
  local db="$1" requests="$2" name
  name="$(basename "$db" .db)"
  local app_url="$state_list_url"
  # generous limits, so that Datasette answers every facet instead of giving up on it
  local ds_url="$datasette_base/$name/benchmark_record_list.json?area__startswith=$facet_area&valid_to__isnull=1&_facet=status_code&_facet=themenfeld_id&_size=50"
  .venv-bench/bin/datasette serve "$db" --host 127.0.0.1 --port "$datasette_port" \
    --setting sql_time_limit_ms 120000 --setting facet_time_limit_ms 120000 \
    --setting suggest_facets off >"$work_dir/datasette.log" 2>&1 &
  local datasette_pid=$!
  for _ in $(seq 1 150); do
    curl -fs "$datasette_base/-/versions.json" >/dev/null && break
    sleep 0.2
  done
  curl -fs -H "Authorization: Bearer $token" "$app_url" >"$work_dir/app-facets.json"
  curl -fs "$ds_url" >"$work_dir/datasette-facets.json"
  python3 - "$work_dir/app-facets.json" "$work_dir/datasette-facets.json" <<'PY'
import json, sys
app = json.load(open(sys.argv[1]))
ds = json.load(open(sys.argv[2]))
if ds.get("facets_timed_out"):
    sys.exit(f"Datasette gave up on facets: {ds['facets_timed_out']}")
def datasette_counts(column):
    return {str(r["value"]): r["count"] for r in ds["facet_results"][column]["results"]}
def app_counts(facet):
    return {c["value"]: c["count"] for c in app["facets"][facet]}
for facet, column in (("status", "status_code"), ("themenfeld", "themenfeld_id")):
    if app_counts(facet) != datasette_counts(column):
        sys.exit(f"different {facet} counts: app {app_counts(facet)}, Datasette {datasette_counts(column)}")
if app["total"] != ds["filtered_table_rows_count"]:
    sys.exit(f"different totals: app {app['total']}, Datasette {ds['filtered_table_rows_count']}")
total = f"{app['total']:,}".replace(",", ".")
print(f"  same list in both: {total} records, {len(app['facets']['status'])} statuses, "
      f"{len(app['facets']['themenfeld'])} Themenfelder")
PY
  time_state_list "$requests"
  for _ in $(seq 1 "$requests"); do
    curl -fs -o /dev/null -w '%{time_total}\n' "$ds_url"
  done >"$work_dir/datasette-facets.txt"
  kill "$datasette_pid"
  wait "$datasette_pid" 2>/dev/null || true
  local ds_times
  ds_times="$(summary "$work_dir/datasette-facets.txt")"
  echo "  Datasette $(.venv-bench/bin/datasette --version | awk '{ print $NF }'), same filter and facets: $ds_times"
  echo "  app faster than Datasette after an edit: $(faster "$ds_times" "$(summary "$work_dir/app-facets-edited.txt")")"
  echo "  app faster than Datasette repeated: $(faster "$ds_times" "$(summary "$work_dir/app-facets.txt")")"
}
