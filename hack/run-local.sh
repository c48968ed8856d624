#!/usr/bin/env bash
# Runs the operator from source against a local control plane: starts one with
# hack/control-plane.sh if none answers at $DIR, applies the CRDs and the tenant-owner role, and runs
#   swift run quartermaster run --kubeconfig $DIR/kubeconfig
# Environment as for hack/control-plane.sh (DIR, PORT, ETCD_PORT). Extra arguments go to
# `quartermaster run`.
#
# WEBHOOK=1 also serves the admission webhook: the API server runs on this machine, not in a
# cluster, so the generated ValidatingWebhookConfiguration is registered with its Service
# replaced by https://127.0.0.1:$WEBHOOK_PORT (default 9443), the serving certificate also
# names 127.0.0.1, and the operator (namespace default) patches its caBundle as it does in a
# cluster. `kubectl delete validatingwebhookconfiguration quartermaster-validating-webhook`
# after stopping, or writes to Quartermaster's kinds are refused (failurePolicy Fail).
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
extra=()
if [ "${WEBHOOK:-0}" = 1 ]; then
  port="${WEBHOOK_PORT:-9443}"
  python3 - "$port" config/webhook/validating_webhook_configuration.yaml <<'PY' |
import sys, yaml
port, path = sys.argv[1], sys.argv[2]
config = yaml.safe_load(open(path))
for hook in config["webhooks"]:
    service = hook["clientConfig"].pop("service")
    hook["clientConfig"]["url"] = f"https://127.0.0.1:{port}{service['path']}"
print(yaml.safe_dump(config))
PY
    kubectl --kubeconfig "$kubeconfig" apply -f -
  extra=(--enable-webhook --webhook-port "$port" --webhook-cert-host 127.0.0.1)
fi
exec swift run quartermaster run --kubeconfig "$kubeconfig" "${extra[@]}" "$@"
