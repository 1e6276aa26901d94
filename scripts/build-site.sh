#!/usr/bin/env bash
# Builds the release site the way `cargo leptos build --release` does, with the tools
# scripts/setup.sh installs, and without cargo-leptos itself (installing it costs 15 minutes
# of a new machine's 2 cores; `cargo leptos watch` stays the way to develop, see
# docs/testing.md). Reads its settings from [[workspace.metadata.leptos]] in Cargo.toml's
# place: output name `ozg-monitor`, site `target/site`, package dir `pkg`, wasm profile
# `wasm-release`, style `style/main.css`, assets `public/`.
#
#   1. the hydrate crate (`frontend`) for wasm32 in the `wasm-release` profile, in
#      target/front as cargo-leptos does, so both share their build;
#   2. wasm-bindgen (`--target web`), the wasm renamed to what the page's start script loads;
#   3. wasm-opt -Oz (npm binaryen, never Debian's), the JS glue minified (esbuild), the style
#      minified (lightningcss, the library cargo-leptos uses), the assets copied;
#   4. every text and wasm file of the site compressed beside itself (`.br`, `.gz`), which the
#      server sends to clients that accept it;
#   5. the server binary (with the benchmark suite's raw-writes reference, which shares its
#      dependencies when built in the same cargo call).
# The wasm (1-3) and the server (5) build at the same time, as cargo-leptos does.
# Usage: scripts/build-site.sh   (PATH must hold wasm-bindgen and end2end/node_modules/.bin)
set -euo pipefail
cd "$(dirname "$0")/.."

output_name=ozg-monitor
site_root=target/site
pkg_dir="$site_root/pkg"
front_target=target/front
wasm_profile=wasm-release

for tool in wasm-bindgen wasm-opt esbuild lightningcss; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run scripts/setup.sh" >&2; exit 1; }
done
case "$(command -v wasm-opt)" in
  */node_modules/.bin/wasm-opt) ;;
  *) echo "wasm-opt must be npm binaryen's (end2end/node_modules/.bin first on PATH)" >&2; exit 1 ;;
esac

# the same compile-time settings cargo-leptos passes to both builds
export LEPTOS_OUTPUT_NAME="$output_name" LEPTOS_SITE_ROOT="$site_root" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend \
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=false

build_front() {
  cargo build --package=frontend --lib --target-dir="$front_target" \
    --target=wasm32-unknown-unknown --no-default-features --profile="$wasm_profile"
  local staging
  staging="$(mktemp -d)"
  wasm-bindgen --target=web --out-name="$output_name" --out-dir="$staging" \
    "$front_target/wasm32-unknown-unknown/$wasm_profile/frontend.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$staging/${output_name}_bg.wasm" -o "$staging/$output_name.wasm"
  esbuild "$staging/$output_name.js" --minify --format=esm --log-level=warning \
    --outfile="$staging/$output_name.min.js"
  mkdir -p "$pkg_dir"
  mv "$staging/$output_name.wasm" "$pkg_dir/$output_name.wasm"
  mv "$staging/$output_name.min.js" "$pkg_dir/$output_name.js"
  rm -rf "$staging"
}

build_server() {
  cargo build --package=server --bin=ozg-monitor --package=bench-reference --bin=raw-writes --release \
    --no-default-features
}

build_front &
front=$!
build_server &
server=$!
status=0
wait "$front" || { echo "the wasm build failed" >&2; status=1; }
wait "$server" || { echo "the server build failed" >&2; status=1; }
[ "$status" = 0 ] || exit 1

mkdir -p "$pkg_dir"
lightningcss --minify --browserslist style/main.css -o "$pkg_dir/$output_name.css"
cp -r public/. "$site_root/"

# precompressed beside each file; the server picks them by Accept-Encoding
find "$site_root" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' \
  -o -name '*.json' -o -name '*.txt' \) -print0 |
  while IFS= read -r -d '' file; do
    brotli --force --best --output="$file.br" "$file"
    gzip --force --best --keep "$file"
  done
printf 'site built: %s (wasm %s bytes, %s brotli)\n' "$site_root" \
  "$(stat -c %s "$pkg_dir/$output_name.wasm")" "$(stat -c %s "$pkg_dir/$output_name.wasm.br")"
