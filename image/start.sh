#!/bin/bash
# The image's entry point, at /kunlun/start.sh where XPanel's image has its start script.
# Klustron's installer starts XPanel with (cloudnative cluster/setup_cluster_manager.py)
#   docker run -itd --env METASEEDS=<ip:port,...> -p 18080:80 kunlun-xpanel:<ver> \
#       bash -c '/bin/bash /kunlun/start.sh'
# and docs/DEPLOY.md with `docker run ... kunlun-xpanel:<ver>`. Both end here, and this
# `exec`s the console, so it is the container's main process: signals reach it and its
# exit code is the container's. The console reads everything from the environment
# (METASEEDS, XPANEL_*; the image sets XPANEL_LISTEN=0.0.0.0:80,0.0.0.0:18080).
#
#   start.sh                    the console
#   start.sh --flag ...         the console with these flags
#   start.sh <command> ...      that program (bash -c '...', xpanel, ...) if it is one,
#                               else an xpanel subcommand (import-xpanel-accounts ...)
set -euo pipefail
console=/usr/local/bin/xpanel
if [ $# -eq 0 ]; then
    exec "$console"
fi
case "$1" in
    -*) exec "$console" "$@" ;;
esac
if command -v "$1" >/dev/null 2>&1; then
    exec "$@"
fi
exec "$console" "$@"
