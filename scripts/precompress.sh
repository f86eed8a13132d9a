#!/usr/bin/env bash
# Writes .br (brotli -q 11) and .gz (gzip -9) beside each compiled JS, wasm and CSS file of
# a site, so the console sends them as they are (ServeDir precompressed_br/gzip) instead
# of compressing on every request. Run after `cargo leptos build --release`.
# Usage: scripts/precompress.sh [site root, default target/site]
set -euo pipefail
pkg=${1:-target/site}/KunlunXPanel/pkg
find "$pkg" -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' \) | while read -r f; do
    brotli -q 11 -f -k -o "$f.br" "$f"
    gzip -9 -f -k "$f"
done
