#!/usr/bin/env bash
# Builds the image kunlun-xpanel:<klustron-version> and writes
# dist/kunlun-xpanel-<klustron-version>.tar.gz, the offline package Klustron's installer
# loads (`"xpanel": {"imageType": "file"}`, the tarball in its clustermgr/ folder):
#   gzip -cd kunlun-xpanel-<version>.tar.gz | docker load
#
#   scripts/release.sh <klustron-version> [engine build arguments...]
#
# The tag is Klustron's product version (1.2.2, ...), as the installer asks for it; this
# console's own version is in the image's labels and in `xpanel --version`. ENGINE is the
# container command (default: docker if it has an engine, else podman).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+(\.[0-9]+)*$ ]]; then
    echo "usage: scripts/release.sh <klustron-version, e.g. 1.2.2> [build arguments...]" >&2
    exit 2
fi
klustron_version=$1
shift
own_version=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version/{print $2; exit}' Cargo.toml)
if [ -z "${ENGINE:-}" ]; then
    if docker info >/dev/null 2>&1; then ENGINE=docker; else ENGINE=podman; fi
fi
read -r -a engine <<<"$ENGINE"
image="kunlun-xpanel:$klustron_version"
build_opts=(--build-arg "XPANEL_VERSION=$own_version" --build-arg "KLUSTRON_VERSION=$klustron_version")
[ "${engine[0]}" != docker ] && build_opts+=(--format docker)   # keeps HEALTHCHECK
"${engine[@]}" build "${build_opts[@]}" --target runtime -t "$image" "$@" .
mkdir -p dist
tarball="dist/kunlun-xpanel-$klustron_version.tar.gz"
# The archive names the image exactly `kunlun-xpanel:<version>` (podman would write
# `localhost/kunlun-xpanel:<version>`, which `docker inspect kunlun-xpanel:<version>`,
# the installer's check, does not find).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${engine[@]}" save --format docker-archive -o "$work/image.tar" "$image" 2>/dev/null \
    || "${engine[@]}" save -o "$work/image.tar" "$image"
mkdir "$work/x"
tar -xf "$work/image.tar" -C "$work/x"
python3 - "$work/x" "$image" <<'PY'
import json, sys, os
root, tag = sys.argv[1], sys.argv[2]
path = os.path.join(root, "manifest.json")
m = json.load(open(path))
for entry in m:
    entry["RepoTags"] = [tag]
json.dump(m, open(path, "w"))
repos = os.path.join(root, "repositories")
if os.path.exists(repos):
    name, version = tag.split(":")
    layer = next(iter(next(iter(json.load(open(repos)).values())).values()))
    json.dump({name: {version: layer}}, open(repos, "w"))
PY
# Members without a `./` prefix, as `docker save` writes them (tools that read the
# archive look for `manifest.json`, not `./manifest.json`).
(cd "$work/x" && tar --sort=name --owner=0 --group=0 --numeric-owner -cf - -- *) | gzip -9 >"$tarball"
echo "image $image (XPanel-rs $own_version); offline package $tarball ($(du -h "$tarball" | cut -f1))"
