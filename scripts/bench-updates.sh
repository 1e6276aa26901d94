#!/usr/bin/env bash
# Authenticated single-record update throughput over HTTP on SQLite and PostgreSQL, against
# the release build (each update: version check, record, event and rollup in one
# transaction). Traffic only to 127.0.0.1, bounded in count. Needs `scripts/build-site.sh`.
# Usage: scripts/bench-updates.sh [requests=2000] [workers=4]
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-2000}"
workers="${2:-4}"
port=3998
pg_db=ozg_bench
source scripts/lib/release-instance.sh

run() {
  local label="$1"
  export DATABASE_URL="$2"
  fresh_database "$DATABASE_URL"
  local token
  token="$(prepare_instance bench@example.org benchmark-passwort)"
  start_server
  printf '%s: ' "$label"
  python3 scripts/bench_updates.py "$base" "$token" "$requests" "$workers"
  stop_server
}

run "SQLite" "$(sqlite_url)"
run "PostgreSQL" "$(postgres_url)"
