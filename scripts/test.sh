#!/usr/bin/env bash
# Runs every check and test: formatting, lints for both builds, unit and server tests,
# then the browser tests against a freshly built console.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
. scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt"
cargo fmt --all -- --check

step "clippy (server build)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
step "clippy (browser build)"
cargo clippy -p app --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit and server tests"
cargo test -p app --features ssr
cargo test -p server

step "browser tests (Chromium)"
end2end/run.sh
