# syntax=docker/dockerfile:1
# Quartermaster operator image.
#   docker build -t quartermaster:dev .
# Two stages: the Swift toolchain builds a release binary with the Swift runtime linked in
# statically (--static-swift-stdlib), so the runtime image needs only Debian's libcurl, OpenSSL
# (the admission webhook's TLS) and CA certificates, and runs as an unprivileged user.

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer, so a source change does not refetch them.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product quartermaster --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/quartermaster" /out/quartermaster

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libssl3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/quartermaster /usr/local/bin/quartermaster
# 65532 is the conventional "nonroot" uid; the manifests' securityContext pins the same id.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/quartermaster"]
CMD ["run"]
