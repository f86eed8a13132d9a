# syntax=docker/dockerfile:1
# XPanel-rs image: a static (musl) `xpanel` binary, the compiled site and a static bash
# on an empty (scratch) base, data in the /data volume. A drop-in for XPanel's image
# under Klustron's installer (issue #16, docs/DEPLOY.md "Replacing XPanel"):
#
#   docker run -itd --env METASEEDS=10.0.0.1:6001,10.0.0.2:6001 --name xpanel_18080 \
#       -p 18080:80 kunlun-xpanel:1.2.2 bash -c '/bin/bash /kunlun/start.sh'   # the installer
#   docker run -d -p 18080:18080 -e METASEEDS=10.0.0.1:6001,10.0.0.2:6001 \
#       -v xpanel-data:/data kunlun-xpanel:1.2.2                             # ours
#
# It listens on 80 (the installer maps 18080 to it) and on 18080. It starts as root to
# bind port 80 on every engine (Docker 1.13 lets no other user bind below 1024) and
# drops to 10001:10001 before it opens a file (XPANEL_RUN_AS; server/src/privileges.rs).
# `scripts/release.sh <klustron-version>` tags it kunlun-xpanel:<version> and writes the
# offline tarball the installer loads.
#
# ARTIFACTS names where the binary and site come from. By default the `builder` stage
# below makes them (it installs the toolchain exactly as scripts/install-tools.sh does,
# from crates.io, npm and Debian). `scripts/image-test.sh` instead builds them on the host
# and passes an image holding them (`--build-arg ARTIFACTS=localhost/xpanel-artifacts`),
# so the image can be made on a machine that reaches no container registry.
ARG ARTIFACTS=builder
ARG RUST_IMAGE=docker.io/library/rust:1.95-slim-bookworm

FROM ${RUST_IMAGE} AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm python3 musl-tools bash-static ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The browser-test tools (Chromium) are not needed to build.
RUN XPANEL_NO_BROWSER=1 scripts/install-tools.sh \
 && rustup target add x86_64-unknown-linux-musl
RUN . scripts/env.sh && scripts/build-artifacts.sh /out

FROM ${ARTIFACTS} AS artifacts

FROM scratch AS runtime
ARG XPANEL_VERSION=unknown
ARG KLUSTRON_VERSION=unknown
COPY --from=artifacts /out/bash /bin/bash
COPY --from=artifacts /out/kunlun /kunlun
COPY --from=artifacts /out/xpanel /usr/local/bin/xpanel
COPY --from=artifacts /out/site /srv/xpanel/site
COPY --from=artifacts --chown=10001:10001 /out/data /data
ENV PATH=/usr/local/bin:/bin \
    XPANEL_LISTEN=0.0.0.0:80,0.0.0.0:18080 \
    XPANEL_RUN_AS=10001:10001 \
    XPANEL_DATA_DIR=/data \
    LEPTOS_SITE_ROOT=/srv/xpanel/site \
    SQLITE_TMPDIR=/data \
    NO_COLOR=1 \
    RUST_LOG=info,sqlx=warn
LABEL org.opencontainers.image.title="kunlun-xpanel" \
      org.opencontainers.image.description="XPanel-rs, the Klustron admin console (a drop-in for XPanel)" \
      org.opencontainers.image.version="${XPANEL_VERSION}" \
      io.klustron.product-version="${KLUSTRON_VERSION}"
EXPOSE 80 18080
VOLUME ["/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/xpanel", "healthcheck"]
ENTRYPOINT ["/bin/bash", "/kunlun/start.sh"]
