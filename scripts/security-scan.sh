#!/usr/bin/env bash
# API fuzzing and a web vulnerability scan against the release build, on SQLite and
# PostgreSQL, signed in, traffic only to 127.0.0.1, bounded in time:
#   - schemathesis (PyPI) generates requests from /api/v1/openapi.json with an administrator's
#     API token; fails on any 5xx, any response that does not match the document, and any
#     operation that answers without credentials or to an undocumented method;
#   - wapiti3 (PyPI) crawls and attacks the pages with an administrator's session; fails on any
#     finding above "low" not accepted with its reason in scripts/wapiti-accepted.txt, and on
#     any 5xx it provoked (scripts/wapiti_verdict.py).
# Needs `scripts/build-site.sh` and the tools from scripts/setup.sh (.venv).
# Usage: scripts/security-scan.sh [examples per API operation=40] [wapiti crawl seconds=90]
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-40}"
scan_seconds="${2:-90}"
port=3996
pg_db=ozg_security_scan
reports="target/security-scan"
password="sicherheit-scan-passwort"
source scripts/lib/release-instance.sh
mkdir -p "$reports"

scan() {
  local label="$1" out="$reports/$1"
  export DATABASE_URL="$2"
  rm -rf "$out" && mkdir -p "$out"
  # demo history, so lists, charts and history pages have content to attack
  demo_database "$DATABASE_URL"
  local token
  token="$(prepare_instance scan@example.org "$password")"
  start_server "$out/server.log"

  echo "$label: schemathesis, $examples examples per operation"
  # one worker: with two threads, schemathesis' coverage phase calls ast.parse concurrently,
  # which CPython 3.11 before 3.11.9 does not survive ("AST constructor recursion depth
  # mismatch", gh-106905) — a crash of the tool seen once on GET /records, not an API error
  .venv/bin/schemathesis run "$base/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,ignored_auth,unsupported_method,missing_required_header,allow_header_conformance \
    --max-examples "$examples" --seed 20261128 --workers 1 \
    --request-timeout 30 --max-failures 20 --no-color \
    --exclude-path-regex '\.(csv|xlsx|pdf)$' \
    --report junit --report-dir "$out"
  # The exports answer each valid request with every record of the Land (seconds each, the
  # federal CSV 20 s on SQLite): a few fuzzed requests per export, not hundreds
  echo "$label: schemathesis, exports, 3 examples per operation"
  .venv/bin/schemathesis run "$base/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,ignored_auth,unsupported_method \
    --phases fuzzing --max-examples 3 --seed 20261128 --workers 1 \
    --request-timeout 60 --max-failures 5 --no-color \
    --include-path-regex '\.(csv|xlsx|pdf)$' \
    --report junit --report-dir "$out/exports"

  echo "$label: wapiti, at most $scan_seconds s"
  # a browser session: the scanner sends the cookie with every request; it must not follow
  # the sign-out or language links, which would end or change the session, nor download an
  # export from every page it crawls (schemathesis above covers the export endpoints)
  local cookie
  cookie="$(curl -s -o /dev/null -D - -X POST "$base/auth/anmelden" -H "Origin: $base" \
    --data-urlencode "email=scan@example.org" --data-urlencode "password=$password" \
    | sed -n 's/^[Ss]et-[Cc]ookie: \(ozg_session=[^;]*\).*/\1/p')"
  [ -n "$cookie" ] || { echo "sign-in for the scan failed" >&2; exit 1; }
  .venv/bin/wapiti --url "$base/" --scope folder --header "Cookie: $cookie" \
    --exclude "$base/auth/abmelden" --exclude "$base/sprache/*" \
    --exclude "$base/api/v1/records.csv*" --exclude "$base/api/v1/records.xlsx*" \
    --exclude "$base/api/v1/reports/*" \
    --module "$(grep -v '^#' scripts/wapiti-modules.txt | paste -sd, -)" \
    --max-scan-time "$scan_seconds" --max-attack-time 10 --depth 3 --max-links-per-page 30 --max-files-per-dir 20 \
    --tasks 4 --timeout 30 --flush-session --store-session "$work_dir/wapiti" \
    --format json --output "$out/wapiti.json" --verbose 0 --no-bugreport
  python3 scripts/wapiti_verdict.py "$out/wapiti.json" scripts/wapiti-accepted.txt
  # Every panic fails the scan, with one known exception (README, Known issues): when the
  # crawler drops a request mid-render, Leptos disposes the page while a resource's task can
  # still rerun its source and read a disposed signal. That panic ends only the abandoned
  # task (tokio catches it; no response is affected); it is counted and reported here.
  local panics disposed
  panics=$(grep -c 'panicked at' "$out/server.log" || true)
  disposed=$(grep -A1 'panicked at .*reactive_graph-[0-9.]*/src/traits.rs' "$out/server.log" \
    | grep -c 'Tried to access a reactive value that has already been disposed' || true)
  if [ "$disposed" -gt 0 ]; then
    echo "$label: $disposed panic(s) of an abandoned render reading a disposed signal (known issue, accepted)"
  fi
  if [ "$panics" -ne "$disposed" ]; then
    echo "$label: the server panicked during the scan (see $out/server.log)" >&2
    exit 1
  fi
  stop_server
}

scan "sqlite" "$(sqlite_url)"
scan "postgres" "$(postgres_url)"
echo "security scan passed on both databases; reports in $reports/"
