#!/usr/bin/env bash
# Builds the release site and starts OZG-Monitor at http://127.0.0.1:3000 on an embedded
# SQLite database in ./data/ (created, migrated and seeded on first start) with demo data.
# Every setting can be overridden: DATABASE_URL, LEPTOS_SITE_ADDR, OZG_DEMO_DATA, OZG_PUBLIC_READ
# (see --help). For this local demo anonymous visitors may read (OZG_PUBLIC_READ=true); to edit,
# create an account first: target/release/ozg-monitor user add --email … --role admin
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
./scripts/build-site.sh
export DATABASE_URL="${DATABASE_URL:-sqlite:data/ozg-monitor.db}"
export OZG_DEMO_DATA="${OZG_DEMO_DATA:-true}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export OZG_PUBLIC_READ="${OZG_PUBLIC_READ:-true}"
echo "Anmelden zum Bearbeiten: zuerst ein Konto anlegen, z. B."
echo "  target/release/ozg-monitor user add --email ich@example.org --name 'Mein Name' --role admin"
exec target/release/ozg-monitor serve
