#!/usr/bin/env bash
# Starts the release build of ozg-monitor (OZG_E2E_BIN overrides it) for the browser tests on a fresh SQLite database
# with demo data (a copy of the demo fixture, scripts/lib/demo-fixture.sh) and one account per role
# (password: e2e-passwort-123). Used by end2end/playwright.config.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
# the database lives in target/ and is replaced by the next run (the server is exec'd below,
# so no trap of this script could remove it; a folder in /tmp kept 350 MB after every run)
db_dir=target/e2e-database
rm -rf "$db_dir" && mkdir -p "$db_dir"
exec_bin="${OZG_E2E_BIN:-target/release/ozg-monitor}"
export DATABASE_URL="sqlite:$db_dir/e2e.db"
source scripts/lib/demo-fixture.sh
copy_demo_database "$exec_bin" "$DATABASE_URL"
export OZG_PASSWORD="e2e-passwort-123"
"$exec_bin" migrate
"$exec_bin" user add --email admin@e2e.test --name "Ada Admin" --role admin
# Sömmerda (Landkreis) covers its Gemeinden
"$exec_bin" user add --email koordination@e2e.test --name "Kai Koordination" --role koordination --org-unit 16068
"$exec_bin" user add --email lesen@e2e.test --name "Lea Lesen" --role lesen
unset OZG_PASSWORD
exec "$exec_bin" \
  --site-addr "127.0.0.1:${E2E_PORT:-3456}" \
  --site-root target/site \
  --demo-data
