# Shared by the scripts that run the release build against SQLite and PostgreSQL one after
# the other (load test, update benchmark, security scan). Source it from the repository root
# after setting `port` and `pg_db`; it makes a work folder and cleans up on exit.
# Traffic only to 127.0.0.1.

bin=target/release/ozg-monitor
base="http://127.0.0.1:$port"
work_dir="$(mktemp -d)"
server_pid=""

cleanup_instances() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work_dir"
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" postgres >/dev/null 2>&1 || true
}
trap cleanup_instances EXIT

# The two databases to run against (call fresh_database before using one).
sqlite_url() { echo "sqlite:$work_dir/$pg_db.db"; }
postgres_url() { echo "postgres://postgres@127.0.0.1:5432/$pg_db"; }

# fresh_database URL: an empty database behind URL (PostgreSQL is dropped and created).
fresh_database() {
  case "$1" in
    postgres*)
      psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" postgres
      psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pg_db" postgres ;;
  esac
}

source scripts/lib/demo-fixture.sh
# demo_database URL: the database behind URL holds Thüringen with demo history (a copy of a
# fixture generated once per build, scripts/lib/demo-fixture.sh).
demo_database() { copy_demo_database "$bin" "$1"; }

# prepare_instance EMAIL PASSWORD [migrate flags…]: migrates and seeds $DATABASE_URL, adds an
# administrator and prints a new API token of theirs.
prepare_instance() {
  local email="$1" password="$2"
  shift 2
  "$bin" migrate "$@" --log warn >&2
  OZG_PASSWORD="$password" "$bin" user add --email "$email" --role admin --log warn >/dev/null
  "$bin" token create --email "$email" --log warn
}

# start_server [LOG]: serves $DATABASE_URL on $port in the background until /healthz answers
# (log filter $server_log_filter, default warn). With LOG, the server's log (stdout) and its
# stderr (panics) go to that file.
start_server() {
  local serve=("$bin" serve --site-addr "127.0.0.1:$port" --log "${server_log_filter:-warn}")
  if [ -n "${1:-}" ]; then "${serve[@]}" >"$1" 2>&1 & else "${serve[@]}" & fi
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -fs "$base/healthz" >/dev/null && return 0
    sleep 0.2
  done
  echo "the server did not answer /healthz within 30 s" >&2
  return 1
}

# peak_rss_mb: the running server's peak resident memory (VmHWM) in MB.
peak_rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }

# rss_split_mb: the server's resident memory now, split into its own (anonymous: heap,
# stacks) and file-backed pages (SQLite's memory-mapped database file, the binary), in MB.
rss_split_mb() {
  awk '/RssAnon/ { a = $2 } /RssFile/ { f = $2 } END { printf "%.0f MB own + %.0f MB file-backed", a / 1024, f / 1024 }' "/proc/$server_pid/status"
}

# run_on_backends "sqlite postgres": calls `run LABEL URL` (defined by the script) for each.
run_on_backends() {
  for backend in $1; do
    case "$backend" in
      sqlite) run "SQLite" "$(sqlite_url)" ;;
      postgres) run "PostgreSQL" "$(postgres_url)" ;;
      *) echo "unknown backend $backend" >&2; exit 2 ;;
    esac
  done
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# summary FILE: "p50 … ms, p95 … ms, max … ms" of the seconds in FILE.
summary() {
  sort -n "$1" | awk '{ t[NR] = $1 * 1000 } END {
    p50 = t[int((NR - 1) * 0.50) + 1]; p95 = t[int((NR - 1) * 0.95) + 1];
    printf "p50 %.1f ms, p95 %.1f ms, max %.1f ms (n=%d)", p50, p95, t[NR], NR }'
}
