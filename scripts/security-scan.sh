#!/usr/bin/env bash
# API fuzzing and a web vulnerability scan against the release build, on SQLite and
# PostgreSQL, signed in, traffic only to 127.0.0.1, bounded in time:
#   - schemathesis (PyPI) generates requests from /api/v1/openapi.json with an administrator's
#     API token; fails on any 5xx, any response that does not match the document, and any
#     operation that answers without credentials or to an undocumented method;
#   - wapiti3 (PyPI) crawls and attacks the pages with an administrator's session; fails on any
#     finding above "low" not accepted with its reason in scripts/wapiti-accepted.txt, and on
#     any 5xx it provoked (scripts/wapiti_verdict.py).
# Needs `cargo leptos build --release` and the tools from scripts/setup.sh (.venv).
# Usage: scripts/security-scan.sh [examples per API operation=40] [wapiti crawl seconds=90]
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-40}"
scan_seconds="${2:-90}"
bin=target/release/ozg-monitor
port=3996
base="http://127.0.0.1:$port"
db=ozg_security_scan
reports="target/security-scan"
dir="$(mktemp -d)"
password="sicherheit-scan-passwort"
cleanup() {
  kill "${pid:-0}" 2>/dev/null || true
  rm -rf "$dir"
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres >/dev/null 2>&1 || true
}
trap cleanup EXIT
mkdir -p "$reports"

scan() {
  local label="$1" url="$2" out="$reports/$1"
  export DATABASE_URL="$url"
  rm -rf "$out" && mkdir -p "$out"
  # demo history, so lists, charts and history pages have content to attack
  "$bin" migrate --demo-data --log warn
  OZG_PASSWORD="$password" "$bin" user add --email scan@example.org --role admin --log warn >/dev/null
  local token
  token="$("$bin" token create --email scan@example.org --log warn)"
  "$bin" serve --site-addr "127.0.0.1:$port" --log warn 2>"$out/server.log" &
  pid=$!
  for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done

  echo "$label: schemathesis, $examples examples per operation"
  .venv/bin/schemathesis run "$base/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,ignored_auth,unsupported_method,missing_required_header,allow_header_conformance \
    --max-examples "$examples" --seed 20261128 --workers 2 \
    --request-timeout 30 --max-failures 20 --no-color \
    --report junit --report-dir "$out"

  echo "$label: wapiti, at most $scan_seconds s"
  # a browser session: the scanner sends the cookie with every request; it must not follow
  # the sign-out or language links, which would end or change the session
  local cookie
  cookie="$(curl -s -o /dev/null -D - -X POST "$base/auth/anmelden" -H "Origin: $base" \
    --data-urlencode "email=scan@example.org" --data-urlencode "password=$password" \
    | sed -n 's/^[Ss]et-[Cc]ookie: \(ozg_session=[^;]*\).*/\1/p')"
  [ -n "$cookie" ] || { echo "sign-in for the scan failed" >&2; exit 1; }
  .venv/bin/wapiti --url "$base/" --scope folder --header "Cookie: $cookie" \
    --exclude "$base/auth/abmelden" --exclude "$base/sprache/*" \
    --module "$(cat scripts/wapiti-modules.txt | grep -v '^#' | paste -sd, -)" \
    --max-scan-time "$scan_seconds" --max-attack-time 10 --depth 3 --max-links-per-page 30 --max-files-per-dir 20 \
    --tasks 4 --timeout 30 --flush-session --store-session "$dir/wapiti" \
    --format json --output "$out/wapiti.json" --verbose 0 --no-bugreport
  python3 scripts/wapiti_verdict.py "$out/wapiti.json" scripts/wapiti-accepted.txt
  if grep -q 'ozg_monitor::.*panicked\|panicked at' "$out/server.log"; then
    echo "$label: the server panicked during the scan (see $out/server.log)" >&2
    exit 1
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  unset DATABASE_URL
}

scan "sqlite" "sqlite:$dir/scan.db"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
scan "postgres" "postgres://postgres@127.0.0.1:5432/$db"
echo "security scan passed on both databases; reports in $reports/"
