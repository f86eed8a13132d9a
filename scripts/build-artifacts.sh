#!/usr/bin/env bash
# Builds what the runtime image holds into OUT (default target/image-artifacts/out):
#   OUT/xpanel   the console, statically linked (x86_64-unknown-linux-musl)
#   OUT/site/    the compiled site (wasm, JS, CSS with hashed names, precompressed, and
#                hash.txt naming the hashes), release profile
#   OUT/data/    an empty directory that becomes the /data volume
#   OUT/bash     a static bash (Debian's bash-static): Klustron's installer starts the
#                image with `bash -c '/bin/bash /kunlun/start.sh'`
#   OUT/kunlun/start.sh   the image's entry point (image/start.sh)
# Used by the Dockerfile's builder stage and by scripts/image-test.sh on the host.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
out=${1:-target/image-artifacts/out}
cargo leptos build --release
scripts/precompress.sh target/site
CC_x86_64_unknown_linux_musl=musl-gcc \
    cargo build --release --target x86_64-unknown-linux-musl -p server --bin xpanel
bash_static=/bin/bash-static
[ -x "$bash_static" ] || { echo "no $bash_static: apt-get install bash-static" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out/data" "$out/kunlun"
cp target/x86_64-unknown-linux-musl/release/xpanel "$out/xpanel"
strip "$out/xpanel"   # symbols are not needed at run time: about half the size
cp "$bash_static" "$out/bash"
install -m 0755 image/start.sh "$out/kunlun/start.sh"
cp -r target/site "$out/site"
# The hashed JS/wasm/CSS names; the console looks for hash.txt in the site root first.
cp target/release/hash.txt "$out/site/hash.txt"
echo "artifacts in $out: $(du -sh "$out" | cut -f1)"
