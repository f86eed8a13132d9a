#!/usr/bin/env bash
# Runs every check and test: formatting, lints for both builds, unit and server tests,
# then the browser tests against a freshly built console, then the container image.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
. scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt"
cargo fmt --all -- --check

step "clippy (server build)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server -p klustron -p klustron-sim --all-targets -- -D warnings
step "clippy (browser build)"
cargo clippy -p app --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

# The machine's MariaDB stands in for Klustron's metadata cluster and, with PostgreSQL,
# for a shared console store; each is started if it is not running. Set a URL to "" to
# leave that database out (and XPANEL_TEST_REQUIRE_ALL=0, which otherwise fails every
# test that would have to skip it: CI cannot lose a database by accident).
export XPANEL_TEST_MYSQL_URL="${XPANEL_TEST_MYSQL_URL-mysql://root@127.0.0.1:3306/test}"
export XPANEL_TEST_PG_URL="${XPANEL_TEST_PG_URL-postgres://postgres@127.0.0.1:5432/test}"
export XPANEL_TEST_REQUIRE_ALL="${XPANEL_TEST_REQUIRE_ALL-1}"
if [ -n "$XPANEL_TEST_MYSQL_URL" ] && ! mariadb-admin --protocol=tcp -h 127.0.0.1 -uroot ping >/dev/null 2>&1; then
    echo "starting MariaDB"
    service mariadb start || start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
if [ -n "$XPANEL_TEST_PG_URL" ] && ! pg_isready -q -h 127.0.0.1; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi

step "unit and server tests (store on SQLite, MariaDB and PostgreSQL)"
cargo test -p app --features ssr -- --skip every_query_on
# The store's own tests, with their output: the log names each database they ran on.
cargo test -p app --features ssr --lib every_query_on -- --nocapture
cargo test -p server

step "Klustron backends: client, metadata reader, simulator (SQLite and MariaDB)"
cargo test -p klustron-vocab -p klustron -p klustron-sim

step "browser tests (Chromium)"
end2end/run.sh

step "container image: Dockerfile → podman build → offline tarball → load → run (docs/DEPLOY.md)"
scripts/image-test.sh
