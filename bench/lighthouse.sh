#!/usr/bin/env bash
# Issue #9: Lighthouse accessibility and best-practices scores of the login, overview,
# machine list (1,000 machines), wizard and cluster pages, in Debian's Chromium, against
# a release build with the demo topology. Lighthouse (npm) is installed into
# target/lighthouse on first use, not into the project's tools: only this report needs it.
# Usage: bench/lighthouse.sh   (prints one line per page; JSON reports in target/lighthouse)
set -euo pipefail
BENCH_MACHINES=${BENCH_MACHINES:-1000}
. "$(dirname "$0")/stack.sh"

LH_VERSION=13.5.0
out=target/lighthouse
if [ "$(cat "$out/node_modules/lighthouse/package.json" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])' 2>/dev/null)" != "$LH_VERSION" ]; then
    npm install --prefix "$out" --no-audit --no-fund --no-save "lighthouse@$LH_VERSION" >/dev/null
fi
export CHROME_PATH=${CHROMIUM:-/usr/bin/chromium}
flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"

score() { # page-name path [cookie]
    local headers='{}'
    [ -n "${3:-}" ] && headers="{\"Cookie\": \"$3\"}"
    "$out/node_modules/.bin/lighthouse" "$BASE$2" --quiet --output=json --output-path="$out/$1.json" \
        --only-categories=accessibility,best-practices --chrome-flags="$flags" \
        --extra-headers="$headers" --form-factor=desktop --screenEmulation.disabled >/dev/null
    python3 - "$out/$1.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cats = r["categories"]
failed = [a for a in cats["accessibility"]["auditRefs"] if a["weight"] > 0
          and r["audits"][a["id"]]["score"] is not None and r["audits"][a["id"]]["score"] < 1]
print(f"{sys.argv[2]:10} accessibility {round(cats['accessibility']['score']*100):3}  "
      f"best-practices {round(cats['best-practices']['score']*100):3}  "
      f"failing a11y audits: {', '.join(a['id'] for a in failed) or 'none'}")
PY
}

echo "Lighthouse $LH_VERSION, $(${CHROME_PATH} --version), $BENCH_MACHINES machines + demo"
score login /KunlunXPanel/login
score overview /KunlunXPanel "$COOKIE"
score machines /KunlunXPanel/machines "$COOKIE"
score wizard /KunlunXPanel/clusters/new "$COOKIE"
score cluster "/KunlunXPanel/clusters/$CLUSTER_ID" "$COOKIE"
