#!/usr/bin/env bash
# Builds and runs the console on http://localhost:18080/KunlunXPanel with its data in
# ./data, next to the bundled cluster_mgr simulator (klustron-sim) seeded with a demo
# topology, so a newcomer sees a working console. Extra arguments go to the console
# (see `target/release/xpanel --help`); set NO_SIM=1 to run the console alone, and
# SIM_PROFILE=1.2 to have the simulator play cluster_mgr 1.2 instead of 1.0.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
. scripts/env.sh
cargo leptos build --release
# The same site as the image's: assets precompressed, so they go out as brotli -q 11
# rather than compressed on the fly at a lower level (issue #18).
scripts/precompress.sh target/site

if [ "${NO_SIM:-}" != 1 ]; then
    cargo build --release -p klustron-sim
    mkdir -p data/sim
    meta="sqlite:data/sim/metadata.db"
    target/release/klustron-sim --metadata-url "$meta" --profile "${SIM_PROFILE:-1.0}" --demo &
    sim=$!
    trap 'kill $sim 2>/dev/null || true' EXIT
    export METASEEDS="${METASEEDS:-$meta}"
    echo "klustron-sim: cluster_mgr ${SIM_PROFILE:-1.0} on 127.0.0.1:58000 (leader), control API on 127.0.0.1:58100"
fi
target/release/xpanel --site-root target/site "$@"
