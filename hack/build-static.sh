#!/usr/bin/env bash
# Builds the quartermaster release binary as a fully static executable (glibc, Swift runtime,
# Foundation, libcurl and its dependencies, OpenSSL: all linked in) and copies it to
# .build/static/quartermaster, the file the operator image ships and the PostgreSQL pods' init
# container copies (`quartermaster instance install`). Needs no musl SDK: Debian's static
# archives (libc6-dev, libcurl4-openssl-dev and the -dev packages below, installed when missing).
#
#   hack/build-static.sh            # then: hack/check-static.sh
#
# What is left out, and why (docs/operations.md, "The operator image and the instance manager
# binary"): libcurl's GSS-API (Kerberos), RTMP and LDAP support, whose static archives Debian
# does not ship (hack/static/curl-unavailable.c defines their entry points as failing); NSS
# modules other than glibc's built-in `files` and `dns` (looked up with dlopen, so they work only
# if the running root has the same glibc, 2.36); iconv conversions beyond glibc's built-in ones.
# None is on the path to the API server.
#
# It shares .build with the normal build, in the release configuration: a plain
# `swift build -c release` afterwards recompiles (different flags). The dynamic debug build used
# for development and the tests is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

out_dir=.build/static
out="$out_dir/quartermaster"

# The static archives: glibc (libc6-dev), libcurl and OpenSSL (as for the dynamic build), and
# what Debian's libcurl.a was built against (`pkg-config --static --libs libcurl`), less the
# three features above.
packages=(libc6-dev libcurl4-openssl-dev libssl-dev libnghttp2-dev libidn2-dev libunistring-dev
          libssh2-1-dev libpsl-dev libzstd-dev libbrotli-dev zlib1g-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$out_dir"
clang=clang
command -v "$clang" >/dev/null 2>&1 || clang="$(dirname "$(command -v swift)")/clang"
"$clang" -c -O2 -fPIC -Wall -Wextra -Werror hack/static/curl-unavailable.c -o "$out_dir/curl-unavailable.o.new"
# SwiftPM does not know this object is an input of the link: when it changes, remove the linked
# binary so that the link is redone.
if ! cmp -s "$out_dir/curl-unavailable.o.new" "$out_dir/curl-unavailable.o"; then
  rm -f "$(swift build -c release --show-bin-path)/quartermaster"
fi
mv "$out_dir/curl-unavailable.o.new" "$out_dir/curl-unavailable.o"

# SwiftPM links CCurl with `pkg-config --libs libcurl` (-lcurl) and COpenSSL with -lssl -lcrypto;
# with -static-executable those resolve to the .a files, and their own dependencies come here, in
# one group so that their order does not matter. BoringSSL (swift-crypto) has prefixed symbols
# and does not clash with OpenSSL.
libs=(-lcurl -lnghttp2 -lidn2 -lunistring -lssh2 -lpsl -lssl -lcrypto -lzstd -lbrotlidec -lbrotlicommon -lz)
linker_flags=(-Xlinker "$(pwd)/$out_dir/curl-unavailable.o" -Xlinker --start-group)
for l in "${libs[@]}"; do linker_flags+=(-Xlinker "$l"); done
linker_flags+=(-Xlinker --end-group)

start=$(date +%s)
if ! swift build -c release --product quartermaster --static-swift-stdlib -Xswiftc -static-executable \
    "${linker_flags[@]}" 2>&1 | tee "$out_dir/build.log"; then
  echo "static build FAILED; log: $out_dir/build.log" >&2
  exit 1
fi
end=$(date +%s)

bin="$(swift build -c release --show-bin-path)/quartermaster"
# Without the DWARF (about a quarter of the file); the symbol table stays, so crash backtraces
# still name functions.
strip --strip-debug -o "$out" "$bin"
chmod 0755 "$out"
echo
echo "built $out in $((end - start)) s ($(du -h "$out" | cut -f1))"
if command -v file >/dev/null 2>&1; then file "$out"; fi
ldd "$out" 2>&1 || true
echo "next: hack/check-static.sh"
