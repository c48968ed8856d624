#!/usr/bin/env bash
# Proves that the static quartermaster binary (hack/build-static.sh) needs no shared library, so
# that it runs in any image it is copied into (the PostgreSQL pods' init container copies it):
#
#   1. `file` says "statically linked", `ldd` says "not a dynamic executable", and the ELF file
#      has no program interpreter and no NEEDED entry;
#   2. `quartermaster version` and `--help` run;
#   3. a copy in an empty directory runs under `env -i` (no PATH, no LD_LIBRARY_PATH);
#   4. as root: the copy runs in a chroot holding nothing but itself and /proc (which every
#      container has: the static Swift runtime finds itself through /proc/self/exe and aborts,
#      "Unable to obtain Swift runtime path", without it), and, in a chroot holding only itself,
#      /proc and the service-account files, `quartermaster run` reaches a stand-in API server
#      over HTTPS at 127.0.0.1 (KUBERNETES_SERVICE_HOST, as in a pod): TLS verified against the
#      mounted ca.crt, the bearer token sent. That is libcurl, OpenSSL, threads and Foundation
#      working with no file from this machine; then by a name, through /etc/hosts and through a
#      stand-in DNS server (glibc's built-in lookups). Skipped where /proc cannot be mounted (not root,
#      or a `docker build` without CAP_SYS_ADMIN).
#
#   hack/check-static.sh [BINARY]     # default .build/static/quartermaster
#
# Fails (exit 1) on the first step that does not hold.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/static/quartermaster}"
[ -x "$bin" ] || { echo "no executable $bin: run hack/build-static.sh first" >&2; exit 1; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

step "file $bin"
file_out="$(file -L "$bin")"
echo "$file_out"
case "$file_out" in
  *"statically linked"* | *"static-pie linked"*) ;;
  *) fail "file does not say statically linked" ;;
esac

step "ldd $bin"
ldd_out="$(ldd "$bin" 2>&1 || true)"
echo "$ldd_out"
case "$ldd_out" in
  *"not a dynamic executable"* | *"statically linked"*) ;;
  *) fail "ldd lists shared libraries" ;;
esac

step "readelf: program interpreter and NEEDED entries (expect none)"
if readelf -lW "$bin" | grep -q 'INTERP'; then fail "the binary has a program interpreter"; fi
if readelf -dW "$bin" 2>/dev/null | grep -q 'NEEDED'; then
  readelf -dW "$bin" | grep NEEDED
  fail "the binary needs shared libraries"
fi
echo "none"

step "$bin version / --help"
"$bin" version || fail "$bin version"
help="$("$bin" --help)" || fail "$bin --help"
printf '%s\n' "$help" | head -n 12

work="$(mktemp -d)"
server_pid=""
dns_pid=""
proc_mounted=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null || true
  [ -n "$proc_mounted" ] && umount "$work/root/proc" 2>/dev/null || true
  # Only remove the directory once /proc is no longer mounted in it.
  mountpoint -q "$work/root/proc" 2>/dev/null || rm -rf "$work"
}
trap cleanup EXIT

step "a copy in an empty directory, under env -i"
mkdir "$work/empty"
cp "$bin" "$work/empty/quartermaster"
(cd "$work/empty" && env -i ./quartermaster version) || fail "env -i ./quartermaster version"
(cd "$work/empty" && env -i ./quartermaster --help >/dev/null) || fail "env -i ./quartermaster --help"
echo "ok"

if [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null 2>&1; then
  echo
  echo "not root (or no chroot): the chroot checks are skipped"
  echo "static check passed (without chroot)"
  exit 0
fi
chroot_cmd="$(command -v chroot)"

step "chroot containing only /quartermaster and /proc"
mkdir -p "$work/root/proc"
cp "$bin" "$work/root/quartermaster"
if ! mount -t proc proc "$work/root/proc" 2>/dev/null; then
  echo
  echo "cannot mount /proc in the chroot (no CAP_SYS_ADMIN?): the chroot checks are skipped"
  echo "static check passed (without chroot)"
  exit 0
fi
proc_mounted=1
echo "$ find $work/root -path ./proc/'*' -prune -o -print"
(cd "$work/root" && find . -path './proc/*' -prune -o -print | sed 's/^/  /')
env -i "$chroot_cmd" "$work/root" /quartermaster version || fail "chroot ROOT /quartermaster version"
env -i "$chroot_cmd" "$work/root" /quartermaster --help >/dev/null || fail "chroot ROOT /quartermaster --help"
echo "ok"

step "chroot: quartermaster run reaches an HTTPS API server by IP (in-cluster configuration)"
if ! command -v python3 >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
  echo "no python3 or openssl: skipped"
  echo "static check passed (without the API check)"
  exit 0
fi
sa="$work/root/var/run/secrets/kubernetes.io/serviceaccount"
mkdir -p "$sa" "$work/pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=static-check-ca" \
  -keyout "$work/pki/ca.key" -out "$work/pki/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
  -keyout "$work/pki/server.key" -out "$work/pki/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' \
  >"$work/pki/ext"
openssl x509 -req -in "$work/pki/server.csr" -CA "$work/pki/ca.crt" -CAkey "$work/pki/ca.key" \
  -CAcreateserial -days 1 -extfile "$work/pki/ext" -out "$work/pki/server.crt" 2>/dev/null
cp "$work/pki/ca.crt" "$sa/ca.crt"
token="static-check-$RANDOM$RANDOM"
printf '%s' "$token" >"$sa/token"
printf 'default' >"$sa/namespace"

# The stand-in API server: answers every request with a 403 Status and records what it got.
cat >"$work/server.py" <<'EOF'
import http.server, json, ssl, sys
workdir = sys.argv[1]
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def handle_one(self):
        with open(workdir + "/requests.log", "a") as f:
            f.write("%s %s auth=%s ua=%s\n" % (self.command, self.path,
                    self.headers.get("Authorization"), self.headers.get("User-Agent")))
        body = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                           "reason": "Forbidden", "code": 403, "message": "static check"}).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(workdir + "/pki/server.crt", workdir + "/pki/server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(workdir + "/port.tmp", "w") as f: f.write(str(server.server_address[1]))
import os; os.rename(workdir + "/port.tmp", workdir + "/port")
server.serve_forever()
EOF
python3 "$work/server.py" "$work" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "the stand-in API server did not start"
port="$(cat "$work/port")"
echo "stand-in API server: https://127.0.0.1:$port (CA in the chroot's ca.crt)"
echo "$ find $work/root -path ./proc -prune -o -type f -print"
(cd "$work/root" && find . -path ./proc -prune -o -type f -print | sed 's/^/  /')

# Runs `quartermaster run` in the chroot with KUBERNETES_SERVICE_HOST=$1 until the stand-in
# server has a request carrying the token; fails otherwise.
reach_api() {
  local host="$1" reached="" run_pid
  : >"$work/requests.log"
  env -i KUBERNETES_SERVICE_HOST="$host" KUBERNETES_SERVICE_PORT="$port" \
    "$chroot_cmd" "$work/root" /quartermaster run --metrics-bind-address 0 --health-probe-bind-address 0 \
    >"$work/run.log" 2>&1 &
  run_pid=$!
  for _ in $(seq 300); do
    if grep -q "auth=Bearer $token" "$work/requests.log" 2>/dev/null; then reached=1; break; fi
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$run_pid" 2>/dev/null || true
  wait "$run_pid" 2>/dev/null || true
  echo "requests received (first 3):"
  head -n 3 "$work/requests.log" | sed 's/^/  /'
  if [ -z "$reached" ]; then
    echo "quartermaster run's output:"; sed 's/^/  /' "$work/run.log" | head -n 40
    fail "quartermaster run in the chroot did not reach https://$host:$port with its token"
  fi
  echo "quartermaster run's first lines:"; head -n 4 "$work/run.log" | cut -c1-200 | sed 's/^/  /'
}

reach_api 127.0.0.1

step "chroot: the same by name, through /etc/hosts (glibc's built-in 'files' lookup, no NSS module)"
mkdir -p "$work/root/etc"
printf '127.0.0.1 kubernetes.default.svc\n' >"$work/root/etc/hosts"
printf 'hosts: files dns\n' >"$work/root/etc/nsswitch.conf"
reach_api kubernetes.default.svc

step "chroot: the same through DNS (glibc's built-in 'dns', /etc/resolv.conf → a stand-in server on 127.0.0.1:53)"
# Answers every A query with 127.0.0.1 and every other query with no record.
cat >"$work/dns.py" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.bind(("127.0.0.1", 53))
except OSError as e:
    print("cannot bind 127.0.0.1:53: %s" % e); sys.exit(3)
open(sys.argv[1] + "/dns.ready", "w").close()
while True:
    data, addr = s.recvfrom(512)
    tid = struct.unpack(">H", data[:2])[0]
    i = 12
    while data[i] != 0: i += data[i] + 1
    qtype = struct.unpack(">H", data[i + 1:i + 3])[0]
    question = data[12:i + 5]
    answer = b""
    if qtype == 1:
        answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 5, 4) + socket.inet_aton("127.0.0.1")
    s.sendto(struct.pack(">HHHHHH", tid, 0x8180, 1, 1 if answer else 0, 0, 0) + question + answer, addr)
EOF
python3 "$work/dns.py" "$work" &
dns_pid=$!
for _ in $(seq 50); do [ -e "$work/dns.ready" ] && break; kill -0 "$dns_pid" 2>/dev/null || break; sleep 0.1; done
if [ -e "$work/dns.ready" ]; then
  printf '127.0.0.1 localhost\n' >"$work/root/etc/hosts"
  printf 'nameserver 127.0.0.1\n' >"$work/root/etc/resolv.conf"
  reach_api kubernetes.default.svc.cluster.local
  dns_note=", through /etc/hosts and through DNS"
else
  echo "skipped (port 53 in use?)"
  dns_note=" and through /etc/hosts (DNS skipped)"
fi

echo
echo "static check passed: no shared library, runs from an empty root, reaches the API server over TLS by IP$dns_note"
