#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently, from the package
# registries only (crates.io, npm, Debian). Safe to run again: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.129

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes about 15 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must equal the crate version in Cargo.lock)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked
fi

# npm: Playwright for the browser tests and binaryen (wasm-opt) for release builds.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  log "installing npm packages in end2end/"
  (cd end2end && npm ci --no-audit --no-fund)
fi

# PyPI: schemathesis (API fuzzing) and wapiti3 (web vulnerability scan), pinned, in .venv.
if [ ! -x .venv/bin/schemathesis ] || [ ! -x .venv/bin/wapiti ] \
   || [ scripts/requirements-security.txt -nt .venv/installed ]; then
  log "installing the security test tools (schemathesis, wapiti3) into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-security.txt
  touch .venv/installed
fi

# PyPI: Datasette, the reference of the benchmark suite's record list (scripts/lib/datasette.sh).
if [ ! -x .venv-bench/bin/datasette ] || [ scripts/requirements-bench.txt -nt .venv-bench/installed ]; then
  log "installing the benchmark reference (datasette) into .venv-bench"
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-bench.txt
  touch .venv-bench/installed
fi

# Debian: Chromium for the browser tests; wrk (HTTP load) and brotli (wasm size) for the
# benchmark suite (scripts/benchmarks.sh, whose smoke run is part of the tests).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)
command -v brotli >/dev/null || missing+=(brotli)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian's ${missing[*]}"
  sudo_if_needed=()
  [ "$(id -u)" = 0 ] || sudo_if_needed=(sudo)
  "${sudo_if_needed[@]}" apt-get update -qq
  "${sudo_if_needed[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
log "toolchain ready"
