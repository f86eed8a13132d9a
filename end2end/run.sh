#!/usr/bin/env bash
# Builds the console with cargo-leptos and the cluster_mgr simulator, then runs the
# Playwright tests in Debian Chromium. Each test starts its own console and simulator on
# free ports with empty stores (end2end/tests/stack.ts: the console finds the simulator
# through its metadata, as it would find Klustron through METASEEDS), so the tests run
# in any order and side by side. Arguments go to Playwright (a file, --grep, …).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

cargo leptos build
cargo build -p klustron-sim

export XPANEL_BIN="$PWD/target/debug/xpanel" SIM_BIN="$PWD/target/debug/klustron-sim" SITE_ROOT="$PWD/target/site"
npx playwright test -c end2end/playwright.config.ts "$@"
