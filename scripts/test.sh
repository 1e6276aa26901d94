#!/usr/bin/env bash
# The whole test suite: formatting, lints (server and wasm), unit/property/contract/HTTP
# tests on SQLite and PostgreSQL, and the browser tests in Debian's headless Chromium.
# Installs what it needs first (idempotent). Under CI=true nothing is skipped: an
# unreachable PostgreSQL fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# each step says how long the run has taken so far, so slow steps show in CI's log
step() { printf '\n\033[1;34m==> [%dm%02ds] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

# Under CI the clean clone builds into a cache that outlives it, as a CI system's build cache
# does: the dependencies are compiled once per machine (all of them, for clippy, the tests,
# the release server and the wasm, take a large part of CI's time on 2 cores), while cargo
# still compiles every crate of the workspace from the clone's own sources.
# OZG_BUILD_CACHE=off builds inside the clone; OZG_BUILD_CACHE=<dir> picks the cache.
if [ "${CI:-}" = "true" ] && [ ! -e target ] && [ "${OZG_BUILD_CACHE:-}" != "off" ]; then
  build_cache="${OZG_BUILD_CACHE:-$HOME/.cache/ozg-monitor/target}"
  mkdir -p "$build_cache"
  ln -s "$build_cache" target
  echo "build output: target -> $build_cache (OZG_BUILD_CACHE=off builds inside the clone)"
fi

./scripts/setup.sh
# CI builds once from a clean clone: incremental compilation would only add work there
if [ "${CI:-}" = "true" ]; then
  export CARGO_INCREMENTAL=0
fi
# wasm-opt (npm binaryen 132) first on PATH; never Debian's older binaryen (BUILD.md).
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step "PostgreSQL at 127.0.0.1:5432"
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    sleep 2
  fi
fi
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "reachable"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at 127.0.0.1:5432, and CI=true requires it" >&2
  exit 1
else
  echo "NOTICE: PostgreSQL unreachable: its contract tests will be skipped (they fail under CI=true)"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server, ssr)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p bench-reference --all-targets -- -D warnings
step "clippy (browser, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Per package, not --workspace: that would unify app's `ssr` and `hydrate` features, and a
# server built with `hydrate` spawns browser-style local tasks.
step "unit and property tests (app: domain types, formatting, query parsing)"
cargo test -p app --features ssr
step "server: unit tests, storage contract suite (SQLite + PostgreSQL), HTTP and auth tests"
# HTTP tests one at a time: run in parallel (one tokio runtime per test in one process) they
# hung intermittently inside Leptos' SSR; see the README's known issues.
cargo test -p server --lib --test storage_contract --test cli --test faults
cargo test -p server --test http --test auth --test exports --test imports -- --test-threads=1

# The release build is what `scripts/run.sh` serves, so the browser tests run against it.
step "build the release site (server + optimised hydrate wasm)"
cargo leptos build --release

step "browser tests (Playwright, Debian's Chromium)"
(cd end2end && npx playwright test)

# API fuzzing (schemathesis: no 5xx, every response as documented) and a web vulnerability
# scan (wapiti3: nothing above "low"), signed in, both databases; see the README's security
# section for what the scan reports and why each remaining finding is accepted.
step "security: API fuzzing and web vulnerability scan (release build)"
./scripts/security-scan.sh

# A short run of the load test (scripts/load-test.sh; longer runs for the results table):
# readers and coordinators at once on Thüringen-size data with history, both databases;
# fails on any 5xx or lost write.
step "load test, 10 s per database (release build, demo history)"
./scripts/load-test.sh 10 6 3

# The benchmark suite (BENCHMARKS.md) in small: Thüringen scale, a few requests, 2-second
# load runs, both databases, so its scripts, the generator, the raw write loops (bench/) and
# the Datasette comparison cannot rot.
step "benchmark smoke run (scripts/benchmarks.sh --smoke, release build)"
./scripts/benchmarks.sh --smoke

step "all tests passed"
