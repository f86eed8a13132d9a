#!/usr/bin/env bash
# Tests the container image on a machine without a Docker engine or registry access
# (issues #6 and #16): builds the artifacts on the host, builds the runtime image from the
# repo's Dockerfile with podman (chroot isolation, vfs storage, its own storage root under
# target/), saves the offline tarball with scripts/release.sh as the installer expects it
# (kunlun-xpanel-<ver>.tar.gz holding kunlun-xpanel:<ver>), removes the image, loads the
# tarball back, then starts it twice:
#   - the installer's way: `-t`, METASEEDS in the environment, the command
#     `bash -c '/bin/bash /kunlun/start.sh'`; the console must answer on container port 80;
#   - our way (docs/DEPLOY.md): no command; port 18080.
# Each time: login page and assets on 80 and 18080, METASEEDS read, the console is the
# container's main process running as 10001 (root dropped after binding), no colour codes
# in its log under a TTY, a clean exit on SIGTERM. With `podman run` if the sandbox allows
# it, else from the exported filesystem in a chroot. Prints the image and tarball sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh >/dev/null
. scripts/env.sh
say() { printf '\033[1m[image-test]\033[0m %s\n' "$*"; }
fail() { echo "[image-test] FAILED: $*" >&2; exit 1; }

need=()
for pkg in podman musl-tools bash-static; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
rustup target list --installed | grep -qx x86_64-unknown-linux-musl || rustup target add x86_64-unknown-linux-musl

own_version=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version/{print $2; exit}' Cargo.toml)
version=${KLUSTRON_VERSION:-1.2.2}   # the Klustron product version the installer asks for
image="kunlun-xpanel:$version"
work=$PWD/target/image-test
rm -rf "$work/run" "$work/rootfs"
mkdir -p "$work"
podman=(podman --root "$work/storage" --runroot "$work/run" --storage-driver vfs --cgroup-manager cgroupfs --events-backend none)
export BUILDAH_ISOLATION=chroot
"${podman[@]}" rm -af >/dev/null 2>&1 || true   # left over from an interrupted run

say "building the artifacts on the host"
scripts/build-artifacts.sh "$work/artifacts/out"
printf 'FROM scratch\nCOPY out /out\n' >"$work/artifacts/Containerfile"
"${podman[@]}" build --isolation chroot -t localhost/xpanel-artifacts:"$own_version" \
    -f "$work/artifacts/Containerfile" "$work/artifacts"

say "building the runtime image from ./Dockerfile and saving the offline tarball"
ENGINE="${podman[*]}" scripts/release.sh "$version" --isolation chroot \
    --build-arg ARTIFACTS=localhost/xpanel-artifacts:"$own_version"
tarball="dist/kunlun-xpanel-$version.tar.gz"
[ -f "$tarball" ] || fail "no $tarball"
tags=$(tar -xzOf "$tarball" manifest.json | python3 -c 'import json,sys; print(",".join(t for e in json.load(sys.stdin) for t in e["RepoTags"]))')
[ "$tags" = "$image" ] || fail "the tarball's manifest names $tags, the installer looks for $image"
say "tarball manifest: RepoTags $tags"
image_size=$("${podman[@]}" image inspect "$image" --format '{{.Size}}')

say "loading the tarball into an empty image store, as the installer does"
"${podman[@]}" rmi -f "$image" "localhost/xpanel-artifacts:$own_version" >/dev/null
gzip -cd "$tarball" | "${podman[@]}" load
"${podman[@]}" image inspect "$image" >/dev/null || fail "docker inspect $image would fail after the load"
label=$("${podman[@]}" image inspect "$image" --format '{{index .Config.Labels "org.opencontainers.image.version"}}')
[ "$label" = "$own_version" ] || fail "label org.opencontainers.image.version is '$label', not $own_version"
health=$("${podman[@]}" image inspect "$image" --format '{{json .HealthCheck}}' 2>/dev/null || true)

for port in 80 18080; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
        fail "port $port is in use; stop what listens there first"
    fi
done

# The login page on $1, then the hashed assets of the console: precompressed (brotli),
# immutable. The login page names only the CSS (it loads no wasm); the page a login with
# the initial password leads to (the forced change) names the JS and the wasm, so log in
# through the login form as a browser without wasm does.
fetch() {
    local port=$1 code
    for _ in $(seq 1 150); do
        code=$(curl -s -o "$work/login.html" -w '%{http_code}' "http://127.0.0.1:$port/KunlunXPanel/login" || true)
        [ "$code" = 200 ] && break
        sleep 0.2
    done
    [ "$code" = 200 ] || return 1
    grep -q "KunlunXPanel" "$work/login.html" || return 1
    local urls base="http://127.0.0.1:$port" jar="$work/cookies-$port"
    rm -f "$jar"
    local next
    next=$(curl -fsS -o /dev/null -c "$jar" -w '%{redirect_url}' -H 'Accept: text/html' \
        -H "Referer: $base/KunlunXPanel/login" --data 'username=super_dba&password=super_dba' \
        "$base/KunlunXPanel/api/login") || return 1
    # A refused login is a redirect too (back to the login page): check where it led.
    case "$next" in
        */KunlunXPanel/change-password) ;;
        *) echo "login through the form led to '$next'" >&2; return 1 ;;
    esac
    curl -fsS -o "$work/page.html" -b "$jar" "$base/KunlunXPanel/change-password" || return 1
    urls=$(cat "$work/login.html" "$work/page.html" |
        grep -oE '/KunlunXPanel/pkg/kunlunxpanel\.[A-Za-z0-9_-]+\.(css|js|wasm)' | sort -u)
    [ "$(echo "$urls" | wc -l)" -ge 3 ] || { echo "no hashed CSS/JS/wasm in the console's pages" >&2; return 1; }
    for u in $urls; do
        curl -fsS -o /dev/null -D "$work/headers" -H 'Accept-Encoding: br' "http://127.0.0.1:$port$u" || return 1
        grep -qi '^content-encoding: br' "$work/headers" || { echo "$u not sent as brotli" >&2; return 1; }
        grep -qi '^cache-control: public, max-age=31536000, immutable' "$work/headers" || { echo "$u not cacheable" >&2; return 1; }
    done
}

# Checks a started console: $1 what was started, $2 its main process id, $3 the
# METASEEDS it was given ("" for none).
check_running() {
    local what=$1 pid=$2 seeds=$3
    fetch 80 || fail "$what: no login page on container port 80"
    fetch 18080 || fail "$what: no login page on port 18080"
    local comm uid
    comm=$(cat "/proc/$pid/comm")
    uid=$(awk '/^Uid:/{print $2 "," $3 "," $4 "," $5}' "/proc/$pid/status")
    [ "$comm" = xpanel ] || fail "$what: the main process is '$comm', not the console (start.sh must exec it)"
    [ "$uid" = "10001,10001,10001,10001" ] || fail "$what: the console runs with uids $uid, not 10001"
    curl -s "http://127.0.0.1:80/KunlunXPanel/readyz" >"$work/readyz.json" || true
    local metadata
    metadata=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"])' "$work/readyz.json")
    if [ -n "$seeds" ]; then
        case "$metadata" in *"not configured"*) fail "$what: METASEEDS=$seeds was not read ($metadata)" ;; esac
    fi
    say "$what: login page and assets on :80 and :18080; main process xpanel as uid 10001; metadata: $metadata"
}

# The console's log ($2) holds lines and no colour codes, also under a TTY.
plain_log() {
    grep -q "listening" "$2" || fail "$1: no log lines: $(head -c 300 "$2")"
    if grep -q $'\x1b\[' "$2"; then fail "$1: colour codes in the log"; fi
    say "$1: log is plain text"
}

seeds=127.0.0.1:9   # no metadata there: readyz says it cannot reach it, proving it was read
installer_cmd="/bin/bash /kunlun/start.sh"
how=""
# No systemd here for podman's healthcheck timers: the HEALTHCHECK command is run by hand.
run_opts=(--network host --no-healthcheck --ulimit "nofile=$(ulimit -n):$(ulimit -Hn)" --ulimit "nproc=$(ulimit -u):$(ulimit -Hu)")
if "${podman[@]}" run -d -t --env METASEEDS=$seeds --name xpanel_18080 "${run_opts[@]}" \
        "$image" bash -c "$installer_cmd" >"$work/container-id" 2>"$work/run.err"; then
    how="podman run"
    pid=$("${podman[@]}" inspect xpanel_18080 --format '{{.State.Pid}}')
    check_running "installer's docker run (-t, bash -c)" "$pid" "$seeds"
    "${podman[@]}" logs xpanel_18080 >"$work/installer.log" 2>&1 || true
    plain_log "installer's docker run" "$work/installer.log"
    "${podman[@]}" exec xpanel_18080 /usr/local/bin/xpanel healthcheck || fail "the HEALTHCHECK command failed"
    "${podman[@]}" stop -t 10 xpanel_18080 >/dev/null
    code=$("${podman[@]}" inspect xpanel_18080 --format '{{.State.ExitCode}}')
    [ "$code" = 0 ] || fail "the console exited $code on SIGTERM"
    "${podman[@]}" rm -f xpanel_18080 >/dev/null
    "${podman[@]}" run -d --name xpanel-own "${run_opts[@]}" "$image" >/dev/null
    pid=$("${podman[@]}" inspect xpanel-own --format '{{.State.Pid}}')
    check_running "our docker run (no command)" "$pid" ""
    "${podman[@]}" stop -t 10 xpanel-own >/dev/null
    "${podman[@]}" rm -f xpanel-own >/dev/null
    how="$how: the installer's command and ours, healthcheck command passed, clean exit on SIGTERM"
else
    say "podman run is not possible here ($(head -c 200 "$work/run.err" | tr '\n' ' ')); running the image's filesystem in a chroot"
    ctr=$("${podman[@]}" create "$image")
    mkdir -p "$work/rootfs"
    "${podman[@]}" export "$ctr" | tar -x -C "$work/rootfs"
    "${podman[@]}" rm -f "$ctr" >/dev/null
    # The image's environment, as an engine would set it, and its entry point.
    mapfile -t image_env < <("${podman[@]}" image inspect "$image" --format '{{range .Config.Env}}{{println .}}{{end}}' | grep .)
    chroot=$(command -v chroot)
    # $1 name, $2 METASEEDS or "", then the command inside the image. Started as root, as
    # an engine starts it, under a pseudo-terminal (`script`), as `-t` gives one.
    start_in_chroot() {
        local name=$1 s=$2
        shift 2
        local extra=()
        [ -n "$s" ] && extra=(METASEEDS="$s")
        local cmd
        cmd=$(printf '%q ' env -i "${image_env[@]}" "${extra[@]}" "$chroot" "$work/rootfs" "$@")
        script -qefc "$cmd" /dev/null >"$work/$name.log" 2>&1 &
        wrapper=$!
        for _ in $(seq 1 100); do
            pid=$(pgrep -nx xpanel || true)
            [ -n "$pid" ] && break
            sleep 0.1
        done
        [ -n "$pid" ] || fail "$name: the console did not start: $(tail -5 "$work/$name.log")"
    }
    stop_in_chroot() {
        kill -TERM "$pid"
        wait "$wrapper" || fail "$1: the console exited $? on SIGTERM"
    }
    trap 'pkill -x xpanel 2>/dev/null || true' EXIT
    start_in_chroot installer "$seeds" /bin/bash -c "$installer_cmd"
    check_running "installer's command (TTY, bash -c)" "$pid" "$seeds"
    plain_log "installer's command" "$work/installer.log"
    env -i XPANEL_LISTEN=0.0.0.0:80 "$chroot" "$work/rootfs" /usr/local/bin/xpanel healthcheck \
        || fail "the HEALTHCHECK command failed"
    stop_in_chroot installer
    start_in_chroot own "" /bin/bash /kunlun/start.sh
    check_running "our entry point (no command)" "$pid" ""
    stop_in_chroot own
    how="chroot of the exported image: the installer's command and ours, healthcheck command passed, clean exit on SIGTERM"
fi

say "image $image (XPanel-rs $own_version) served as it should ($how)"
say "HEALTHCHECK in the image: $health"
say "image size: $image_size bytes ($(numfmt --to=iec "$image_size")); tarball: $(stat -c %s "$tarball") bytes ($(du -h "$tarball" | cut -f1))"
