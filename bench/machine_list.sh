#!/usr/bin/env bash
# Machine list at scale (issue #4): fills the simulator's metadata with 10,000 machines,
# starts a release build of the console against it, and prints the latency (p50/p99)
# and size of the machine list page and of the list server function.
# Usage: bench/machine_list.sh [machines] [requests]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh >/dev/null
. scripts/env.sh
machines=${1:-10000}
requests=${2:-300}

cargo leptos build --release 2>&1 | tail -1
cargo build --release -p klustron-sim 2>&1 | tail -1

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); node=$(free_port); control=$(free_port)
data=$(mktemp -d)
meta="sqlite:$data/metadata.db"
target/release/klustron-sim --metadata-url "$meta" --nodes "127.0.0.1:$node" --control "127.0.0.1:$control" >"$data/sim.log" 2>&1 &
sim=$!
trap 'kill $sim ${console:-} 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -fsS -o /dev/null "http://127.0.0.1:$control/sim/state" 2>/dev/null; do sleep 0.1; done
curl -fsS -X POST -H 'content-type: application/json' -d "{\"machines\": $machines}" \
    "http://127.0.0.1:$control/sim/seed" >/dev/null

METASEEDS="$meta" RUST_LOG=warn target/release/xpanel --listen "127.0.0.1:$port" \
    --data-dir "$data/console" --site-root target/site >"$data/console.log" 2>&1 &
console=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/KunlunXPanel/login" 2>/dev/null; do sleep 0.1; done

python3 bench/machine_list.py "http://127.0.0.1:$port" "$machines" "$requests"
