#!/usr/bin/env bash
# Issue #8 (b), (c), (d) against a release build with 10,000 machines in the metadata:
#  (b) wrk latency and throughput of the login page, the machine list and a cluster
#      page, each next to the same console serving a static file of the same size
#      (axum + tower-http ServeDir, same middleware) in the same run, with the ratio;
#  (c) resident memory idle, under load and after, and cold start to first answer;
#  (d) page latency while 4 clients log in without pause (argon2id; bench/logins.py).
# Usage: bench/load.sh [seconds per wrk run, default 10] [connections, default 16]
set -euo pipefail
. "$(dirname "$0")/stack.sh"
secs=${1:-10}
conns=${2:-16}
if ! command -v wrk >/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq wrk >/dev/null
fi

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$CONSOLE_PID/status"; }
# verdict WHAT VALUE GOAL le|ge UNIT: prints the figure beside its goal (issue #18).
verdict() {
    local ok
    if [ "$4" = le ]; then
        ok=$(python3 -c "print('PASS' if $2 <= $3 else 'MISS')"); printf '%s: %s %s (goal <= %s %s) %s\n' "$1" "$2" "$5" "$3" "$5" "$ok"
    else
        ok=$(python3 -c "print('PASS' if $2 >= $3 else 'MISS')"); printf '%s: %s %s (goal >= %s %s) %s\n' "$1" "$2" "$5" "$3" "$5" "$ok"
    fi
}
echo "machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk ${secs}s, $conns connections, 2 threads"
verdict "cold start (exec to first answered page)" "$COLD_START_MS" 300 le ms
idle=$(rss_kib)
verdict "P4 RSS idle after start and one login" "$idle" $((40 * 1024)) le KiB

# wrk's p50, p99 (ms) and requests/s for a path (a POST of the form in $WRK_FORM if set).
measure() {
    local path=$1 out script=()
    if [ -n "${WRK_FORM:-}" ]; then
        printf 'wrk.method = "POST"\nwrk.body = "%s"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n' \
            "$WRK_FORM" >"$DATA/post.lua"
        script=(-s "$DATA/post.lua")
    fi
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "${script[@]}" -H "Cookie: $COOKIE" "$BASE$path")
    echo "$out" | grep -q "Non-2xx" && { echo "non-2xx answers for $path" >&2; echo "$out" >&2; exit 1; }
    python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
print(f"{p50:.2f} {p99:.2f} {rps:.0f}")
PY
}

# Peak RSS while the wrk runs below go on (sampled every 200 ms until told to stop).
(
    peak=0
    while [ ! -e "$DATA/stop-sampling" ]; do
        r=$(rss_kib)
        [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$DATA/peak"
        sleep 0.2
    done
) &
sampler=$!
verdicts=()

printf '%-34s %9s %9s %9s | %9s %9s %9s | %s\n' page size p50_ms p99_ms static_p50 static_p99 static_rps "page rps (x of static)"
for entry in "login page:/KunlunXPanel/login" "machine list (10,000):/KunlunXPanel/machines" "cluster page:/KunlunXPanel/clusters/$CLUSTER_ID"; do
    label=${entry%%:*}; path=${entry#*:}
    size=$(curl -fsS -H "Cookie: $COOKIE" "$BASE$path" | wc -c)
    static="KunlunXPanel/pkg/bench-$size.bin"
    head -c "$size" /dev/zero | tr '\0' 'x' >"$SITE/$static"
    read -r p50 p99 rps < <(measure "$path")
    read -r s50 s99 srps < <(measure "/$static")
    printf '%-34s %9s %9s %9s | %9s %9s %9s | %s rps (%.2f)\n' "$label" "$size" "$p50" "$p99" "$s50" "$s99" "$srps" "$rps" "$(python3 -c "print($rps/$srps)")"
    verdicts+=("$(verdict "P2 $label: p99 / static p99" "$(python3 -c "print(round($p99/$s99, 2))")" 3 le x)")
    verdicts+=("$(verdict "P2 $label: req/s / static req/s" "$(python3 -c "print(round($rps/$srps, 2))")" 0.33 ge x)")
done
printf '%s\n' "${verdicts[@]}" | grep -v '^P2 login page'

# Where the machine list's time goes: its server function runs the same metadata queries
# (page, count, states) and answers 20 rows as JSON, without rendering the page.
read -r f50 f99 frps < <(WRK_FORM='query[page]=1' measure /KunlunXPanel/api/machines/list)
echo "machine list's server function alone (the metadata queries, JSON, no page): p50 $f50 ms, p99 $f99 ms, $frps req/s"
# And the cluster page's: its three server functions, each alone (the cluster from the
# metadata; the no-switch windows, a call to cluster_mgr; the switchover history).
for entry in "clusters/get:id=$CLUSTER_ID" "noswitch/list:cluster_id=$CLUSTER_ID" "clusters/switchovers:cluster_id=$CLUSTER_ID&page=1"; do
    read -r f50 f99 frps < <(WRK_FORM=${entry#*:} measure "/KunlunXPanel/api/${entry%%:*}")
    echo "cluster page's ${entry%%:*} alone: p50 $f50 ms, p99 $f99 ms, $frps req/s"
done

touch "$DATA/stop-sampling"
wait $sampler
echo "RSS after load: $(rss_kib) KiB"
verdict "P4 RSS peak under load" "$(cat "$DATA/peak" 2>/dev/null || echo 0)" $((80 * 1024)) le KiB

python3 bench/logins.py "$BASE" "$PASSWORD" "$COOKIE"
