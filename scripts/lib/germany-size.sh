# Grows a database to Germany size for the benchmarks that need many records
# (bench-germany-export.sh, bench-record-pages.sh): the seeded Land plus every other German
# Kreis and Gemeinde of the Destatis list with one record per (Gemeinde service, Gemeinde),
# about 4.4 million records, grown by SQL (scripts/germany_records.py): no history, statuses a
# deterministic mix. Source after scripts/lib/release-instance.sh.

germany_sql="$work_dir/germany.sql"
python3 scripts/germany_records.py reference-data/gebiete/deutschland_gemeinden_2020.csv 16 >"$germany_sql"

# grow_to_germany_size: migrates and seeds $DATABASE_URL (fresh), adds the rest of Germany
# and refreshes the planner's statistics; prints "grown in … s, database … MB".
grow_to_germany_size() {
  fresh_database "$DATABASE_URL"
  "$bin" migrate --log warn >&2
  local started=$SECONDS size
  case "$DATABASE_URL" in
    postgres*)
      psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d "$pg_db" -f "$germany_sql" >&2
      psql -q -h 127.0.0.1 -U postgres -d "$pg_db" -c "VACUUM ANALYZE" >&2
      size="$(psql -tA -h 127.0.0.1 -U postgres -d "$pg_db" -c "SELECT pg_database_size('$pg_db') / 1048576")" ;;
    sqlite:*)
      python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.execute("ANALYZE"); c.close()' \
        "${DATABASE_URL#sqlite:}" "$germany_sql"
      size="$(( $(stat -c %s "${DATABASE_URL#sqlite:}") / 1048576 ))" ;;
  esac
  echo "grown in $((SECONDS - started)) s, database $size MB"
}
