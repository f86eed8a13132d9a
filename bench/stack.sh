# Sourced by the bench scripts: builds release binaries, starts klustron-sim with
# `$BENCH_MACHINES` extra machines plus the demo topology (machines and the "demo"
# cluster), and a release console against it with a copy of the site, logs in as
# super_dba with a changed password, and leaves in the environment:
#   BASE (console URL), CONTROL (simulator control URL), CONSOLE_PID, SITE (site copy),
#   COOKIE (the session cookie header value), DATA (temp dir, removed on exit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-tools.sh >/dev/null
. scripts/env.sh

cargo leptos build --release 2>&1 | tail -1
scripts/precompress.sh target/site
cargo build --release -p klustron-sim 2>&1 | tail -1

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port); node=$(free_port); control=$(free_port)
DATA=$(mktemp -d)
META="sqlite:$DATA/metadata.db"
SITE="$DATA/site"
cp -r target/site "$SITE"
target/release/klustron-sim --metadata-url "$META" --nodes "127.0.0.1:$node" \
    --control "127.0.0.1:$control" --step-ms 20 >"$DATA/sim.log" 2>&1 &
SIM_PID=$!
CONSOLE_PID=
trap 'kill $SIM_PID ${CONSOLE_PID:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT
CONTROL="http://127.0.0.1:$control"
until curl -fsS -o /dev/null "$CONTROL/sim/state" 2>/dev/null; do sleep 0.1; done
# The demo first (its cluster is created by a job), the bulk machines once it is done:
# a big insert while the job runs would make the job's writes wait on SQLite's lock.
curl -fsS -X POST -H 'content-type: application/json' -d '{"demo": true}' "$CONTROL/sim/seed" >/dev/null

BASE="http://127.0.0.1:$PORT"

# Starts the console; prints milliseconds from exec to its first answered page.
start_console() {
    local t0 t1
    t0=$(date +%s%N)
    METASEEDS="$META" RUST_LOG=warn target/release/xpanel --listen "127.0.0.1:$PORT" \
        --data-dir "$DATA/console" --site-root "$SITE" >>"$DATA/console.log" 2>&1 &
    echo $! >"$DATA/console.pid"
    until curl -fsS -o /dev/null "$BASE/KunlunXPanel/login" 2>/dev/null; do sleep 0.002; done
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}
COLD_START_MS=$(start_console)
CONSOLE_PID=$(cat "$DATA/console.pid")

PASSWORD='Bench#2026xy'
jar="$DATA/cookies"
form() { curl -fsS -o /dev/null -b "$jar" -c "$jar" -H "Origin: $BASE" "$BASE$1" --data "$2"; }
form /KunlunXPanel/api/login 'username=super_dba&password=super_dba'
form /KunlunXPanel/api/change_password \
    "current_password=super_dba&new_password=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' "$PASSWORD")&confirm_password=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' "$PASSWORD")"
COOKIE="xpanel_session=$(awk '$6 == "xpanel_session" {print $7}' "$jar")"

# The demo cluster's id once its create job is done (for the cluster page).
CLUSTER_ID=
for _ in $(seq 1 300); do
    CLUSTER_ID=$(curl -fsS -H "Cookie: $COOKIE" -H "Origin: $BASE" "$BASE/KunlunXPanel/api/clusters/list" \
        --data 'query[page]=1' | python3 -c 'import json,sys; r=[c for c in json.load(sys.stdin)["rows"] if c["status"] in ("inuse", "active")]; print(r[0]["id"] if r else "")')
    [ -n "$CLUSTER_ID" ] && break
    sleep 0.1
done
[ -n "$CLUSTER_ID" ] || { echo "the demo cluster did not become active:" >&2;
    curl -sS -H "Cookie: $COOKIE" -H "Origin: $BASE" "$BASE/KunlunXPanel/api/clusters/list" --data 'query[page]=1' >&2; exit 1; }
curl -fsS -X POST -H 'content-type: application/json' \
    -d "{\"machines\": ${BENCH_MACHINES:-10000}}" "$CONTROL/sim/seed" >/dev/null
export BASE CONTROL CONSOLE_PID SITE COOKIE DATA CLUSTER_ID COLD_START_MS PASSWORD
