#!/usr/bin/env bash
# Starts (or stops) a throwaway control plane for manual runs, using the shared envtest
# script: hack/control-plane.sh up|down|restart-apiserver
#
# Environment: DIR (state directory, default /tmp/qm-dev-$USER), PORT (API server, default
# 16443), ETCD_PORT (default 12379), KCM=0 to leave the controller manager out; SERVICE_CIDR
# for a service range other than the shared script's 10.0.0.0/24 (254 ClusterIPs; e.g.
# 10.0.0.0/16 for thousands of Services: hack/fleet-bench.sh); ASSETS or
# KUBEBUILDER_ASSETS to use other binaries, ENVTEST_DIR for where control-plane.sh lives
# (default ../shared/envtest). See ../shared/envtest/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The shared envtest directory: $ENVTEST_DIR, else ../shared/envtest beside the repository,
# else the parent of $KUBEBUILDER_ASSETS.
envtest_dir="${ENVTEST_DIR:-$root/../shared/envtest}"
if [ ! -x "$envtest_dir/control-plane.sh" ] && [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
  envtest_dir="$KUBEBUILDER_ASSETS/.."
fi
script="$envtest_dir/control-plane.sh"
if [ ! -x "$script" ]; then
  echo "control-plane.sh not found: set ENVTEST_DIR (or KUBEBUILDER_ASSETS) to the shared envtest directory (or its bin/)" >&2
  exit 1
fi
export DIR="${DIR:-/tmp/qm-dev-${USER:-$(id -un)}}"
if [ -z "${ASSETS:-}" ] && [ -n "${KUBEBUILDER_ASSETS:-}" ]; then export ASSETS="$KUBEBUILDER_ASSETS"; fi
cmd="${1:-up}"
# The shared script as it is, except: the controller manager's quota controller resyncs every
# 10 s (as the test harness's does: CRDs applied after it started are otherwise counted by a
# `count/<plural>.<group>` quota only at its next full resync, 5 minutes later, and the API
# server refuses such objects with "status unknown for quota" until then); and SERVICE_CIDR, if
# set, replaces its service range. Run as a copy, with its binaries.
export ASSETS="${ASSETS:-$envtest_dir/bin}"
copy=$(mktemp /tmp/qm-control-plane-XXXXXX.sh)
sed -e "s|--leader-elect=false|--leader-elect=false --resource-quota-sync-period 10s|" "$script" > "$copy"
grep -q -- "--resource-quota-sync-period 10s" "$copy" || { echo "could not set the quota sync period in $script" >&2; rm -f "$copy"; exit 1; }
if [ -n "${SERVICE_CIDR:-}" ]; then
  sed -i "s|--service-cluster-ip-range 10.0.0.0/24|--service-cluster-ip-range $SERVICE_CIDR|" "$copy"
  grep -q -- "--service-cluster-ip-range $SERVICE_CIDR" "$copy" || { echo "could not set the service range in $script" >&2; rm -f "$copy"; exit 1; }
fi
chmod +x "$copy"
status=0; "$copy" "$cmd" || status=$?
rm -f "$copy"
[ "$status" = 0 ] || exit "$status"
if [ "$cmd" = up ]; then
  cat <<MSG

Control plane up; state in $DIR. To use it:
  export KUBECONFIG=$DIR/kubeconfig            # admin (system:masters)
  #        $DIR/kubeconfig-operator            # quartermaster-operator, no RBAC until bound
  #        $DIR/kubeconfig-cert                # admin by client certificate
Stop it with: DIR=$DIR hack/control-plane.sh down
MSG
fi
