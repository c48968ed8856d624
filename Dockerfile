# syntax=docker/dockerfile:1
# Quartermaster operator image.
#   docker build -t quartermaster:dev .
# Two stages. The Swift toolchain (Debian bookworm, glibc 2.36) builds one fully static
# executable with hack/build-static.sh: glibc, the Swift runtime, Foundation, libcurl, OpenSSL
# and their dependencies all linked in, checked by hack/check-static.sh (file, ldd, readelf, a
# run from an empty directory under env -i). The runtime image is distroless "static": no shell, no libc, only CA
# certificates, /etc/passwd (nonroot = 65532), /etc/nsswitch.conf (hosts: files dns, which the
# static glibc resolves without loading any module) and tzdata.
#
# The binary sits at /quartermaster: the operator's container runs it, and the PostgreSQL pods'
# init container (this image) runs `/quartermaster instance install /controller/quartermaster`
# to copy it into a volume shared with the PostgreSQL container, whose image has its own glibc.
# Why static, and what that leaves out: docs/operations.md, "The operator image and the instance
# manager binary".

FROM swift:6.3-bookworm AS build
# hack/build-static.sh installs the static -dev packages it misses and strips with binutils;
# hack/check-static.sh uses file, readelf, and python3 and openssl for its stand-in API server.
# Inside `docker build` /proc cannot be mounted in a chroot (no CAP_SYS_ADMIN), so the check
# skips its chroot steps there; run it as root on a machine (CI: QUARTERMASTER_STATIC_CHECK=1
# .ci/run) for the full proof.
RUN apt-get update \
 && apt-get install -y --no-install-recommends binutils file python3 openssl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer, so a source change does not refetch them.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
COPY hack/build-static.sh hack/check-static.sh ./hack/
COPY hack/static ./hack/static
# build-static.sh runs apt-get update itself when it has packages to install.
RUN hack/build-static.sh \
 && rm -rf /var/lib/apt/lists/* \
 && hack/check-static.sh \
 && install -D -m 0755 .build/static/quartermaster /out/quartermaster

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/quartermaster /quartermaster
# 65532 is distroless's "nonroot"; the manifests' securityContext pins the same id.
USER 65532:65532
ENTRYPOINT ["/quartermaster"]
CMD ["run"]
