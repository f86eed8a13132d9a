#!/usr/bin/env bash
# Tests the container image on a machine without a Docker engine or registry access
# (issue #6): builds the artifacts on the host, builds the runtime image from the repo's
# Dockerfile with podman (chroot isolation, vfs storage, its own storage root under
# target/), saves it to the offline tarball with scripts/release.sh, removes it, loads
# the tarball back, runs the image's entrypoint (podman run; if the sandbox does not
# allow that, from the exported filesystem in a chroot) and fetches the login page on
# :18080. Prints the image and tarball sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh >/dev/null
. scripts/env.sh
say() { printf '\033[1m[image-test]\033[0m %s\n' "$*"; }

need=()
for pkg in podman musl-tools; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
rustup target list --installed | grep -qx x86_64-unknown-linux-musl || rustup target add x86_64-unknown-linux-musl

version=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version/{print $2; exit}' Cargo.toml)
work=$PWD/target/image-test
rm -rf "$work/run" "$work/rootfs"
mkdir -p "$work"
podman=(podman --root "$work/storage" --runroot "$work/run" --storage-driver vfs --cgroup-manager cgroupfs --events-backend none)
export BUILDAH_ISOLATION=chroot
"${podman[@]}" rm -af >/dev/null 2>&1 || true   # left over from an interrupted run

say "building the artifacts on the host"
scripts/build-artifacts.sh "$work/artifacts/out"
printf 'FROM scratch\nCOPY out /out\n' >"$work/artifacts/Containerfile"
"${podman[@]}" build --isolation chroot -t localhost/xpanel-artifacts:"$version" \
    -f "$work/artifacts/Containerfile" "$work/artifacts"

say "building the runtime image from ./Dockerfile and saving the offline tarball"
ENGINE="${podman[*]}" scripts/release.sh --isolation chroot \
    --build-arg ARTIFACTS=localhost/xpanel-artifacts:"$version"
tarball="dist/kunlun-xpanel-$version.tar.gz"
image_size=$("${podman[@]}" image inspect "kunlun-xpanel:$version" --format '{{.Size}}')

say "loading the tarball into an empty image store"
"${podman[@]}" rmi -f "kunlun-xpanel:$version" "localhost/xpanel-artifacts:$version" >/dev/null
gzip -cd "$tarball" | "${podman[@]}" load
health=$("${podman[@]}" image inspect "kunlun-xpanel:$version" --format '{{json .HealthCheck}}' 2>/dev/null || true)

port=18080
if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "port $port is in use; stop what listens there first" >&2
    exit 1
fi
fetch() {
    for _ in $(seq 1 100); do
        code=$(curl -s -o "$work/login.html" -w '%{http_code}' "http://127.0.0.1:$port/KunlunXPanel/login" || true)
        if [ "$code" = 200 ]; then
            check_assets || { echo "the image does not serve its assets as it should" >&2; exit 1; }
            return 0
        fi
        sleep 0.2
    done
    return 1
}
# The page names its assets with content hashes; each is served precompressed (brotli)
# and cacheable for a year.
check_assets() {
    local urls
    urls=$(grep -oE '/KunlunXPanel/pkg/kunlunxpanel\.[A-Za-z0-9_-]+\.(css|js|wasm)' "$work/login.html" | sort -u)
    [ "$(echo "$urls" | wc -l)" -ge 3 ] || { echo "no hashed CSS/JS/wasm in the login page" >&2; return 1; }
    for u in $urls; do
        curl -fsS -o /dev/null -D "$work/headers" -H 'Accept-Encoding: br' "http://127.0.0.1:$port$u" || return 1
        grep -qi '^content-encoding: br' "$work/headers" || { echo "$u not sent as brotli" >&2; return 1; }
        grep -qi '^cache-control: public, max-age=31536000, immutable' "$work/headers" || { echo "$u not cacheable" >&2; return 1; }
    done
    say "assets served precompressed and immutable: $(echo $urls)"
}

how=""
# No systemd here for podman's healthcheck timers: the HEALTHCHECK command is run by hand.
if "${podman[@]}" run -d --name xpanel-image-test --network host --no-healthcheck \
        --ulimit "nofile=$(ulimit -n):$(ulimit -Hn)" --ulimit "nproc=$(ulimit -u):$(ulimit -Hu)" \
        "kunlun-xpanel:$version" >"$work/container-id" 2>"$work/run.err"; then
    if fetch; then
        how="podman run"
        "${podman[@]}" exec xpanel-image-test /usr/local/bin/xpanel healthcheck && how="$how (healthcheck command passed)"
    fi
    "${podman[@]}" stop -t 5 xpanel-image-test >/dev/null 2>&1 || true
    "${podman[@]}" rm -f xpanel-image-test >/dev/null 2>&1 || true
fi
if [ -z "$how" ]; then
    say "podman run is not possible here ($(head -c 200 "$work/run.err" | tr '\n' ' ')); running the entrypoint in a chroot of the exported image"
    ctr=$("${podman[@]}" create "kunlun-xpanel:$version")
    mkdir -p "$work/rootfs"
    "${podman[@]}" export "$ctr" | tar -x -C "$work/rootfs"
    "${podman[@]}" rm -f "$ctr" >/dev/null
    # The image's ENV and USER, applied by hand.
    chroot=$(command -v chroot)
    env -i XPANEL_LISTEN=0.0.0.0:$port XPANEL_DATA_DIR=/data LEPTOS_SITE_ROOT=/srv/xpanel/site \
        SQLITE_TMPDIR=/data RUST_LOG=warn \
        "$chroot" --userspec=10001:10001 "$work/rootfs" /usr/local/bin/xpanel >"$work/chroot.log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    if fetch; then
        how="entrypoint in a chroot of the exported image"
        env -i XPANEL_LISTEN=0.0.0.0:$port "$chroot" --userspec=10001:10001 "$work/rootfs" \
            /usr/local/bin/xpanel healthcheck && how="$how (healthcheck command passed)"
    fi
    # Graceful stop on SIGTERM, as `docker stop` sends it.
    kill -TERM $pid
    if wait $pid; then how="$how, clean exit on SIGTERM"; fi
fi
[ -n "$how" ] || { echo "the image did not serve the login page" >&2; cat "$work"/*.log "$work/run.err" 2>/dev/null | tail -20; exit 1; }
grep -q "KunlunXPanel" "$work/login.html" || { echo "unexpected login page" >&2; exit 1; }

say "login page served by the image ($how)"
say "HEALTHCHECK in the image: $health"
say "image size: $image_size bytes ($(numfmt --to=iec "$image_size")); tarball: $(stat -c %s "$tarball") bytes ($(du -h "$tarball" | cut -f1))"
