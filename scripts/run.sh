#!/usr/bin/env bash
# Builds and runs the console on http://localhost:18080/KunlunXPanel with its data in
# ./data. Extra arguments go to the server (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
. scripts/env.sh
cargo leptos build --release
exec target/release/xpanel --site-root target/site "$@"
