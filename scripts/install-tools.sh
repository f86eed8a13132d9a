#!/usr/bin/env bash
# Installs every tool the build and the tests need, from crates.io, npm, PyPI and Debian
# only (never GitHub). Idempotent: a tool already present in the right version is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs a newer rustc than this machine's 1.95
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock, to the patch.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)

say() { printf '\033[1m[install-tools]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
    say "building cargo-leptos $CARGO_LEPTOS_VERSION (slow: 15-25 minutes on 2 cores)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    # Not --locked: its lockfile pins a webpki-roots release the registry does not have.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt (binaryen), tailwindcss and Playwright come from the root package.json.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/wasm-opt ] || [ "$(cat node_modules/.lock-sum 2>/dev/null || true)" != "$lock_sum" ]; then
    say "installing npm tools (binaryen, tailwindcss, playwright)"
    # Not `npm ci`: npm 11 leaves tailwind's other-platform optional packages out of the
    # lockfile and `npm ci` then refuses it as out of sync. `npm install` keeps the
    # locked versions of everything that is in the lockfile.
    npm install --no-audit --no-fund
    echo "$lock_sum" > node_modules/.lock-sum
fi

# Debian Chromium for the browser tests, and a CJK font so Chinese renders in screenshots
# (not for image builds: XPANEL_NO_BROWSER=1); brotli for every build.
missing=()
# brotli precompresses the release site (scripts/precompress.sh).
debian_pkgs=(brotli chromium fonts-wqy-zenhei)
[ "${XPANEL_NO_BROWSER:-}" = 1 ] && debian_pkgs=(brotli)
for pkg in "${debian_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

say "tools ready: $(cargo leptos --version), $(wasm-bindgen --version), $(node_modules/.bin/wasm-opt --version | cut -d' ' -f1-3), tailwindcss $(node_modules/.bin/tailwindcss --help 2>&1 | head -1 | awk '{print $3}')"
