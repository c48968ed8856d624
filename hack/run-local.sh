#!/usr/bin/env bash
# Runs the operator from source against a local control plane: starts one with
# hack/control-plane.sh if none answers at $DIR, applies crds/ (when present) and runs
#   swift run quartermaster run --kubeconfig $DIR/kubeconfig
# Environment as for hack/control-plane.sh (DIR, PORT, ETCD_PORT). Extra arguments go to
# `quartermaster run`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DIR="${DIR:-/tmp/qm-dev-${USER:-$(id -un)}}"
kubeconfig="$DIR/kubeconfig"
if ! { [ -f "$kubeconfig" ] && kubectl --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1; }; then
  "$root/hack/control-plane.sh" up
fi
if [ -d crds ] && compgen -G "crds/*.yaml" >/dev/null; then
  kubectl --kubeconfig "$kubeconfig" apply -f crds/
fi
exec swift run quartermaster run --kubeconfig "$kubeconfig" "$@"
