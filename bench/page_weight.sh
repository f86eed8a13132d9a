#!/usr/bin/env bash
# Issue #8 (a): page weight of the login page and the machine list (10,000 machines)
# measured from a real Chromium load (bench/page_weight.mjs) against a release build.
# Usage: bench/page_weight.sh
set -euo pipefail
. "$(dirname "$0")/stack.sh"
node bench/page_weight.mjs "$BASE" "$PASSWORD"
