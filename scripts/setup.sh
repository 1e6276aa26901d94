#!/usr/bin/env bash
# Installs what building and running the app needs, idempotently, from the package registries
# only (crates.io, npm, PyPI, Debian). Safe to run again: each step checks first.
#   scripts/setup.sh          what scripts/run.sh needs: the wasm target, wasm-bindgen-cli,
#                             the npm build tools (binaryen's wasm-opt, esbuild, lightningcss)
#                             and Debian's brotli
#   scripts/setup.sh --test   also what scripts/test.sh needs: cargo-nextest, Debian's
#                             Chromium and wrk, the PyPI security and benchmark tools
# cargo-leptos is not needed (scripts/build-site.sh builds the site); install it for
# `cargo leptos watch` during development (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.129
NEXTEST_VERSION=0.9.143
with_test_tools=false
[ "${1:-}" = "--test" ] && with_test_tools=true

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
timed() { local started=$SECONDS; "$@"; log "… took $((SECONDS - started)) s"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  timed rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must equal the crate version in Cargo.lock; about 5 minutes)"
  timed cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked
fi

# npm: binaryen (wasm-opt), esbuild and lightningcss for the site; Playwright for the tests.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/esbuild ] \
   || [ ! -x end2end/node_modules/.bin/lightningcss ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  log "installing npm packages in end2end/"
  (cd end2end && timed npm ci --no-audit --no-fund)
fi

# Debian: brotli precompresses the site; for the tests Chromium (browser tests), wrk
# (benchmark load) and LibreOffice Calc with its Python bridge (exports edited and saved by
# a real spreadsheet, then imported: server/tests/libreoffice.rs)
missing=()
missing_bare=()
command -v brotli >/dev/null || missing+=(brotli)
if [ "$with_test_tools" = true ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v wrk >/dev/null || missing+=(wrk)
  # without its recommendations (Java, fonts, a desktop): only the spreadsheet is driven
  command -v soffice >/dev/null || missing_bare+=(libreoffice-calc-nogui)
  /usr/bin/python3 -c 'import uno' 2>/dev/null || missing_bare+=(python3-uno)
fi
if [ $((${#missing[@]} + ${#missing_bare[@]})) -gt 0 ]; then
  log "installing Debian's ${missing[*]} ${missing_bare[*]}"
  sudo_if_needed=()
  [ "$(id -u)" = 0 ] || sudo_if_needed=(sudo)
  apt_install=("${sudo_if_needed[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq)
  timed "${sudo_if_needed[@]}" apt-get update -qq
  [ ${#missing[@]} -eq 0 ] || timed "${apt_install[@]}" "${missing[@]}"
  [ ${#missing_bare[@]} -eq 0 ] || timed "${apt_install[@]}" --no-install-recommends "${missing_bare[@]}"
fi

if [ "$with_test_tools" = true ]; then
  # cargo-nextest runs the Rust tests (each in its own process); new machines of this
  # project's kind ship it, elsewhere it is built once (about 5 minutes)
  if ! cargo nextest --version >/dev/null 2>&1; then
    log "installing cargo-nextest $NEXTEST_VERSION"
    timed cargo install cargo-nextest --version "$NEXTEST_VERSION" --locked
  fi

  # PyPI: schemathesis (API fuzzing) and wapiti3 (web vulnerability scan), pinned, in .venv;
  # Datasette, the benchmark suite's reference (scripts/lib/datasette.sh), in .venv-bench.
  # uv (from PyPI) installs the pinned sets in parallel: seconds instead of minutes with pip.
  install_venv() {
    local venv="$1" requirements="$2" check="$3"
    if [ ! -x "$venv/bin/$check" ] || [ "$requirements" -nt "$venv/installed" ]; then
      log "installing $requirements into $venv"
      rm -rf "$venv"
      timed .venv-uv/bin/uv venv --quiet --python "$(command -v python3)" "$venv"
      timed .venv-uv/bin/uv pip install --quiet --python "$venv/bin/python" -r "$requirements"
      touch "$venv/installed"
    fi
  }
  if [ ! -x .venv-uv/bin/uv ] || [ scripts/requirements-uv.txt -nt .venv-uv/installed ]; then
    log "installing uv into .venv-uv"
    python3 -m venv .venv-uv
    timed .venv-uv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-uv.txt
    touch .venv-uv/installed
  fi
  install_venv .venv scripts/requirements-security.txt wapiti
  install_venv .venv-bench scripts/requirements-bench.txt datasette
fi
log "toolchain ready"
