# Thüringen with demo history (seeded catalogue and units, ~256,000 records, ~700,000 demo
# events) is what the browser tests, the security scan, the load test and several benchmarks
# run against. Generating it takes a release build 75-100 s per database; it is generated
# once per binary and database kind and copied for each use (a file copy for SQLite, a
# template database for PostgreSQL: a second or two).
# Source it from the repository root.

demo_fixture_dir=target/demo-fixtures

# copy_demo_database BIN URL: the database behind URL (a SQLite file that does not exist yet,
# or a PostgreSQL database, dropped first) becomes a copy of `BIN migrate --demo-data`'s.
copy_demo_database() {
  local bin="$1" url="$2" key
  key="$(sha256sum "$bin" | cut -c1-12)"
  mkdir -p "$demo_fixture_dir"
  (
    # one preparation at a time; a second caller waits and copies
    flock 9
    case "$url" in
      sqlite:*)
        local fixture="$demo_fixture_dir/demo-$key.db"
        if [ ! -f "$fixture" ]; then
          find "$demo_fixture_dir" -name 'demo-*.db*' -delete
          DATABASE_URL="sqlite:$fixture.part" "$bin" migrate --demo-data --log warn >&2
          # one self-contained file: the write-ahead log folded in
          python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.execute("PRAGMA journal_mode=DELETE"); c.close()' "$fixture.part"
          mv "$fixture.part" "$fixture"
        fi
        cp "$fixture" "${url#sqlite:}"
        ;;
      postgres*)
        local database="${url##*/}" fixture="ozg_demo_fixture_$key" server="${url%/*}"
        if [ "$(psql -tAq -d "$server/postgres" -c "SELECT 1 FROM pg_database WHERE datname = '$fixture'")" != 1 ]; then
          local old
          for old in $(psql -tAq -d "$server/postgres" -c "SELECT datname FROM pg_database WHERE datname LIKE 'ozg\_demo\_fixture\_%'"); do
            psql -q -d "$server/postgres" -c "DROP DATABASE IF EXISTS $old WITH (FORCE)"
          done
          psql -q -d "$server/postgres" -c "DROP DATABASE IF EXISTS ${fixture}_part WITH (FORCE)"
          psql -q -d "$server/postgres" -c "CREATE DATABASE ${fixture}_part"
          DATABASE_URL="$server/${fixture}_part" "$bin" migrate --demo-data --log warn >&2
          psql -q -d "$server/postgres" -c "ALTER DATABASE ${fixture}_part RENAME TO $fixture"
        fi
        psql -q -d "$server/postgres" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
        psql -q -d "$server/postgres" -c "CREATE DATABASE $database TEMPLATE $fixture"
        ;;
      *) echo "copy_demo_database: unknown database URL $url" >&2; return 2 ;;
    esac
  ) 9>"$demo_fixture_dir/.lock"
}
