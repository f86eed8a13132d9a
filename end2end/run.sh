#!/usr/bin/env bash
# Builds the console with cargo-leptos, starts it on a free port with an empty store,
# runs the Playwright tests in Debian Chromium, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

cargo leptos build

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
data=$(mktemp -d)
log="$data/console.log"
target/debug/xpanel --listen "127.0.0.1:$port" --data-dir "$data" --site-root target/site >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/KunlunXPanel/login" && break
    kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.2
done

BASE_URL="http://127.0.0.1:$port" npx playwright test -c end2end/playwright.config.ts || { echo "--- console log"; tail -50 "$log"; exit 1; }
