#!/usr/bin/env bash
# Starts the release build of ozg-monitor (OZG_E2E_BIN overrides it) for the browser tests on a fresh SQLite database
# with demo data. Used by end2end/playwright.config.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
db_dir="$(mktemp -d)"
trap 'rm -rf "$db_dir"' EXIT
exec_bin="${OZG_E2E_BIN:-target/release/ozg-monitor}"
"$exec_bin" \
  --database-url "sqlite:$db_dir/e2e.db" \
  --site-addr "127.0.0.1:${E2E_PORT:-3456}" \
  --site-root target/site \
  --demo-data
