#!/usr/bin/env bash
# The client-go side of the memory comparison in docs/benchmarks.md ("Memory beside client-go"):
# kube-controller-manager (v1.20.2, client-go's shared informers) run twice against a control
# plane that already holds the objects to cache:
#   with     only the root-ca-cert-publisher controller, whose informers cache every ConfigMap
#            and every Namespace;
#   without  no controller at all (the process, its client and nothing cached).
# Each run waits for the controller manager's "Caches are synced" line (with) or its start
# (without), lets it settle, and prints VmRSS, RssAnon and VmHWM (peak) from /proc.
#
#   hack/client-go-footprint.sh KUBECONFIG [SETTLE_SECONDS]   (default 20)
#
# Environment: ASSETS or KUBEBUILDER_ASSETS (the kube-controller-manager binary; default
# ../shared/envtest/bin). Put the objects there first, e.g. with `quartermaster bench
# --memory-objects 10000 --skip-reconcile` (which keeps them in bench-memory).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kubeconfig="${1:?usage: hack/client-go-footprint.sh KUBECONFIG [SETTLE_SECONDS]}"
settle="${2:-20}"
assets="${ASSETS:-${KUBEBUILDER_ASSETS:-$root/../shared/envtest/bin}}"
kcm="$assets/kube-controller-manager"
[ -x "$kcm" ] || { echo "no kube-controller-manager in $assets" >&2; exit 1; }
work=$(mktemp -d /tmp/qm-client-go-XXXXXX)
trap '[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# The publisher needs the cluster's CA: the kubeconfig's own (a file or inline data).
ca_file=$(KUBECONFIG="$kubeconfig" kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority}')
if [ -n "$ca_file" ]; then
  cp "$ca_file" "$work/ca.crt"
else
  KUBECONFIG="$kubeconfig" kubectl config view --raw --minify \
    -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d > "$work/ca.crt"
fi
[ -s "$work/ca.crt" ] || { echo "the kubeconfig names no certificate authority" >&2; exit 1; }

measure() {  # name controllers ready-pattern
  local name="$1" controllers="$2" pattern="$3"
  "$kcm" --kubeconfig "$kubeconfig" --bind-address 127.0.0.1 --secure-port 0 --port 0 \
    --controllers "$controllers" --root-ca-file "$work/ca.crt" --leader-elect=false \
    >"$work/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q "$pattern" "$work/$name.log" && break
    kill -0 "$pid" 2>/dev/null || { echo "kube-controller-manager exited:" >&2; tail -5 "$work/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q "$pattern" "$work/$name.log" || { echo "$name: no '$pattern' in 300 s" >&2; exit 1; }
  sleep "$settle"
  awk -v name="$name" '/^VmRSS|^RssAnon|^VmHWM/ { v[$1] = sprintf("%.1f", $2 / 1024) }
    END { printf "%-8s VmRSS %s MiB  RssAnon %s MiB  VmHWM %s MiB\n", name, v["VmRSS:"], v["RssAnon:"], v["VmHWM:"] }' \
    "/proc/$pid/status"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=""
}

echo "kube-controller-manager: $("$kcm" --version 2>/dev/null || echo unknown); settle ${settle}s"
measure with root-ca-cert-publisher "Caches are synced for"
measure without "-root-ca-cert-publisher" "Version"
