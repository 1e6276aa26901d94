#!/usr/bin/env bash
# Bounded load test on SQLite and PostgreSQL against the release build with Thüringen-size
# demo data (557 services × 633 Gemeinden and ministries, ~700,000 events of history):
# readers and coordinators at once for a fixed time; fails on any 5xx or lost write and
# reports p50/p95/p99. Traffic only to 127.0.0.1. Needs `scripts/build-site.sh`.
# Usage: scripts/load-test.sh [seconds=20] [readers=8] [coordinators=4]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
readers="${2:-8}"
coordinators="${3:-4}"
port=3997
pg_db=ozg_load_test
source scripts/lib/release-instance.sh

run() {
  local label="$1"
  export DATABASE_URL="$2"
  local started=$SECONDS token
  demo_database "$DATABASE_URL"
  token="$(prepare_instance last@example.org lasttest-passwort)"
  echo "$label: database with demo history prepared in $((SECONDS - started)) s"
  start_server
  echo "$label: $seconds s, $readers readers + $coordinators coordinators"
  python3 scripts/load_test.py "$base" "$token" "$seconds" "$readers" "$coordinators"
  stop_server
}

run "SQLite" "$(sqlite_url)"
run "PostgreSQL" "$(postgres_url)"
