# syntax=docker/dockerfile:1
# XPanel-rs image: a static (musl) `xpanel` binary and the compiled site on an empty
# (scratch) base, running as a non-root user, data in the /data volume, port 18080.
#
#   docker build -t kunlun-xpanel:0.1.0 .          # builds everything in the builder stage
#   docker run -d -p 18080:18080 -e METASEEDS=10.0.0.1:6001,10.0.0.2:6001 \
#       -v xpanel-data:/data kunlun-xpanel:0.1.0
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
 && apt-get install -y --no-install-recommends nodejs npm python3 musl-tools ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The browser-test tools (Chromium) are not needed to build.
RUN XPANEL_NO_BROWSER=1 scripts/install-tools.sh \
 && rustup target add x86_64-unknown-linux-musl
RUN . scripts/env.sh && scripts/build-artifacts.sh /out

FROM ${ARTIFACTS} AS artifacts

FROM scratch AS runtime
COPY --from=artifacts /out/xpanel /usr/local/bin/xpanel
COPY --from=artifacts /out/site /srv/xpanel/site
COPY --from=artifacts --chown=10001:10001 /out/data /data
ENV XPANEL_LISTEN=0.0.0.0:18080 \
    XPANEL_DATA_DIR=/data \
    LEPTOS_SITE_ROOT=/srv/xpanel/site \
    SQLITE_TMPDIR=/data \
    RUST_LOG=info,sqlx=warn
USER 10001:10001
EXPOSE 18080
VOLUME ["/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/xpanel", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/xpanel"]
