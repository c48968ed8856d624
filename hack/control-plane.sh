#!/usr/bin/env bash
# Starts (or stops) a throwaway control plane for manual runs, using the shared envtest
# script: hack/control-plane.sh up|down|restart-apiserver
#
# Environment: DIR (state directory, default /tmp/qm-dev-$USER), PORT (API server, default
# 16443), ETCD_PORT (default 12379), KCM=0 to leave the controller manager out; ASSETS or
# KUBEBUILDER_ASSETS to use other binaries. See ../shared/envtest/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
script="$root/../shared/envtest/control-plane.sh"
if [ ! -x "$script" ]; then
  echo "$script not found: this needs the shared envtest directory beside the repository" >&2
  exit 1
fi
export DIR="${DIR:-/tmp/qm-dev-${USER:-$(id -un)}}"
if [ -z "${ASSETS:-}" ] && [ -n "${KUBEBUILDER_ASSETS:-}" ]; then export ASSETS="$KUBEBUILDER_ASSETS"; fi
cmd="${1:-up}"
"$script" "$cmd"
if [ "$cmd" = up ]; then
  cat <<MSG

Control plane up; state in $DIR. To use it:
  export KUBECONFIG=$DIR/kubeconfig            # admin (system:masters)
  #        $DIR/kubeconfig-operator            # quartermaster-operator, no RBAC until bound
  #        $DIR/kubeconfig-cert                # admin by client certificate
Stop it with: DIR=$DIR hack/control-plane.sh down
MSG
fi
