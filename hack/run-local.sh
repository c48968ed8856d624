#!/usr/bin/env bash
# Runs the operator from source against a local control plane: starts one with
# hack/control-plane.sh if none answers at $DIR, applies the CRDs and the tenant-owner role, and runs
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
# The CRDs (crds/ is a kustomization) and the role tenants' owners are bound to.
kubectl --kubeconfig "$kubeconfig" apply --server-side --force-conflicts -k crds
kubectl --kubeconfig "$kubeconfig" apply --server-side --force-conflicts -f config/rbac/tenant_owner_role.yaml
exec swift run quartermaster run --kubeconfig "$kubeconfig" "$@"
