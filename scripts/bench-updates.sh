#!/usr/bin/env bash
# Authenticated single-record update throughput over HTTP on SQLite and PostgreSQL, against
# the release build (each update: version check, record, event and rollup in one
# transaction). Traffic only to 127.0.0.1, bounded in count. Needs `cargo leptos build --release`.
# Usage: scripts/bench-updates.sh [requests=2000] [workers=4]
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-2000}"
workers="${2:-4}"
bin=target/release/ozg-monitor
port=3998
dir="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$dir"; psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS ozg_bench WITH (FORCE)" postgres >/dev/null 2>&1 || true' EXIT

run() {
  local label="$1" url="$2"
  export DATABASE_URL="$url"
  "$bin" migrate --log warn
  OZG_PASSWORD="benchmark-passwort" "$bin" user add --email bench@example.org --role admin --log warn >/dev/null
  local token
  token="$("$bin" token create --email bench@example.org --log warn)"
  "$bin" serve --site-addr "127.0.0.1:$port" --log warn &
  pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  printf '%s: ' "$label"
  python3 scripts/bench_updates.py "http://127.0.0.1:$port" "$token" "$requests" "$workers"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  unset DATABASE_URL
}

run "SQLite" "sqlite:$dir/bench.db"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS ozg_bench WITH (FORCE)" postgres
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE ozg_bench" postgres
run "PostgreSQL" "postgres://postgres@127.0.0.1:5432/ozg_bench"
