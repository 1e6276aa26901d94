#!/usr/bin/env bash
# Reruns the figures of docs/results.md on this machine: release build time, wasm size
# (raw, gzip, brotli), first start (migrate + seed + demo data) and the server time of the
# dashboard page (Übersicht) (sequential requests to 127.0.0.1 only, bounded in count).
# Usage: scripts/measure.sh [requests=200]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
requests="${1:-200}"
port=3999

start=$(date +%s.%N)
./scripts/build-site.sh
echo "release build: $(echo "$(date +%s.%N) - $start" | bc) s"

wasm=target/site/pkg/ozg-monitor.wasm
echo "wasm raw:    $(stat -c %s "$wasm") bytes"
echo "wasm gzip:   $(gzip -9 -c "$wasm" | wc -c) bytes"
if command -v brotli >/dev/null; then echo "wasm brotli: $(brotli -c -q 11 "$wasm" | wc -c) bytes"; fi

dir="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
start=$(date +%s.%N)
target/release/ozg-monitor migrate --database-url "sqlite:$dir/m.db" --demo-data
echo "first start (migrate + seed + demo data, SQLite): $(echo "$(date +%s.%N) - $start" | bc) s"

target/release/ozg-monitor serve --database-url "sqlite:$dir/m.db" --site-addr "127.0.0.1:$port" --log warn &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
for _ in $(seq 1 10); do curl -fs -o /dev/null "http://127.0.0.1:$port/"; done
for _ in $(seq 1 "$requests"); do
  curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/"
done | sort -n | awk '{a[NR]=$1} END {printf "dashboard GET / (%d requests): p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", NR, a[int(NR*0.5)]*1000, a[int(NR*0.95)]*1000, a[NR]*1000}'
