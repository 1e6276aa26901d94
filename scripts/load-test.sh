#!/usr/bin/env bash
# Bounded load test on SQLite and PostgreSQL against the release build with Thüringen-size
# demo data (557 services × 633 Gemeinden and ministries, ~700,000 events of history):
# readers and coordinators at once for a fixed time; fails on any 5xx or lost write and
# reports p50/p95/p99. Traffic only to 127.0.0.1. Needs `cargo leptos build --release`.
# Usage: scripts/load-test.sh [seconds=20] [readers=8] [coordinators=4]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
readers="${2:-8}"
coordinators="${3:-4}"
bin=target/release/ozg-monitor
port=3997
dir="$(mktemp -d)"
db=ozg_load_test
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$dir"; psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres >/dev/null 2>&1 || true' EXIT

run() {
  local label="$1" url="$2"
  export DATABASE_URL="$url"
  local started=$SECONDS
  "$bin" migrate --demo-data --log warn
  echo "$label: database with demo history prepared in $((SECONDS - started)) s"
  OZG_PASSWORD="lasttest-passwort" "$bin" user add --email last@example.org --role admin --log warn >/dev/null
  local token
  token="$("$bin" token create --email last@example.org --log warn)"
  "$bin" serve --site-addr "127.0.0.1:$port" --log warn &
  pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  echo "$label: $seconds s, $readers readers + $coordinators coordinators"
  python3 scripts/load_test.py "http://127.0.0.1:$port" "$token" "$seconds" "$readers" "$coordinators"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  unset DATABASE_URL
}

run "SQLite" "sqlite:$dir/load.db"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
run "PostgreSQL" "postgres://postgres@127.0.0.1:5432/$db"
