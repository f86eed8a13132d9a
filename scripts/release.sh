#!/usr/bin/env bash
# Builds the image kunlun-xpanel:<version> and writes dist/kunlun-xpanel-<version>.tar.gz
# (`<engine> save | gzip`), the offline package loaded with
#   gzip -cd kunlun-xpanel-<version>.tar.gz | docker load
# ENGINE is the container command (default: docker if it has an engine, else podman);
# extra arguments go to `<engine> build` (e.g. --build-arg ARTIFACTS=...).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version/{print $2; exit}' Cargo.toml)
if [ -z "${ENGINE:-}" ]; then
    if docker info >/dev/null 2>&1; then ENGINE=docker; else ENGINE=podman; fi
fi
read -r -a engine <<<"$ENGINE"
image="kunlun-xpanel:$version"
build_opts=()
[ "${engine[0]}" != docker ] && build_opts=(--format docker)   # keeps HEALTHCHECK
"${engine[@]}" build "${build_opts[@]}" --target runtime -t "$image" "$@" .
mkdir -p dist
tarball="dist/kunlun-xpanel-$version.tar.gz"
"${engine[@]}" save "$image" | gzip -9 >"$tarball"
echo "image $image; offline package $tarball ($(du -h "$tarball" | cut -f1))"
