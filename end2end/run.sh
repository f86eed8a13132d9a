#!/usr/bin/env bash
# Builds the console with cargo-leptos and the cluster_mgr simulator, starts both on free
# ports with empty stores (the console finds the simulator through its metadata, as it
# would find Klustron through METASEEDS), runs the Playwright tests in Debian Chromium,
# and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

cargo leptos build
cargo build -p klustron-sim

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); sim_a=$(free_port); sim_b=$(free_port); sim_control=$(free_port)
data=$(mktemp -d)
meta="sqlite:$data/metadata.db"

# The simulator plays the public cluster_mgr (1.0.2): the console must work against it.
target/debug/klustron-sim --metadata-url "$meta" --nodes "127.0.0.1:$sim_a,127.0.0.1:$sim_b" \
    --control "127.0.0.1:$sim_control" --step-ms 150 --profile 1.0 >"$data/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$sim_control/sim/state" && break
    kill -0 $sim 2>/dev/null || { cat "$data/sim.log"; exit 1; }
    sleep 0.1
done

# The console runs in a loop so that a test can restart it (kill the pid in
# $CONSOLE_PIDFILE); the loop ends when the run does. cluster_mgr's answers time out
# after 3 s, so that real_wire_failures.spec.ts can make a submit time out quickly.
(
    while [ ! -e "$data/stop" ]; do
        METASEEDS="$meta" target/debug/xpanel --listen "127.0.0.1:$port" --data-dir "$data/console" \
            --cluster-mgr-timeout-secs 3 --site-root target/site >>"$data/console.log" 2>&1 &
        echo $! >"$data/console.pid"
        wait $! || true
    done
) &
pid=$!
trap 'touch "$data/stop"; kill "$(cat "$data/console.pid")" $sim 2>/dev/null || true; wait $pid $sim 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/KunlunXPanel/login" && break
    kill -0 $pid 2>/dev/null || { cat "$data/console.log"; exit 1; }
    sleep 0.2
done

export BASE_URL="http://127.0.0.1:$port" SIM_CONTROL="http://127.0.0.1:$sim_control" CONSOLE_PIDFILE="$data/console.pid"
npx playwright test -c end2end/playwright.config.ts "$@" || {
    echo "--- console log"; tail -50 "$data/console.log"
    echo "--- simulator log"; tail -30 "$data/sim.log"
    exit 1
}
