#!/usr/bin/env bash
# Start-up footprint of the operator: how many list and watch requests it sends while starting,
# per (resource, namespace, label selector), and its resident memory once every cache is synced
# and every object converged.
#
# One throwaway control plane gets T Tenants (tier pro) with R small-storage Resources each (so
# T*R IPFSClusters with their Secrets, ConfigMaps, Services, StatefulSets, NetworkPolicies, ...).
# Each BINARY is then started in turn against the same converged objects, left to settle, and
# measured from the audit log (requests by the operator's user since it started) and
# /proc/PID/status (VmRSS, VmHWM). Pass two binaries to compare builds, e.g. the last release
# and this tree.
#
#   hack/startup-footprint.sh [--tenants 20] [--resources-per-tenant 5] [--settle 30] [BINARY ...]
#
# Default BINARY: this tree's debug build. Needs the envtest binaries (../shared/envtest/bin or
# KUBEBUILDER_ASSETS), kubectl and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tenants=20 per=5 settle=30 binaries=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tenants) tenants=$2; shift 2 ;;
    --resources-per-tenant) per=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) binaries+=("$1"); shift ;;
  esac
done
if [ ${#binaries[@]} -eq 0 ]; then
  swift build --product quartermaster >/dev/null
  binaries=("$(swift build --show-bin-path)/quartermaster")
fi
resources=$((tenants * per))
state="$root/hack/chaos_state.py"
work=$(mktemp -d /tmp/qm-footprint-XXXXXX)
export DIR="$work/cp" PORT="${PORT:-28443}" ETCD_PORT="${ETCD_PORT:-24379}"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  hack/control-plane.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

hack/control-plane.sh up >/dev/null
kc="$DIR/kubeconfig"
kubectl --kubeconfig "$kc" apply --server-side -k crds >/dev/null
kubectl --kubeconfig "$kc" apply --server-side -f config/rbac/tenant_owner_role.yaml >/dev/null
for crd in $(kubectl --kubeconfig "$kc" get crd -o name); do
  kubectl --kubeconfig "$kc" wait --for=condition=Established "$crd" >/dev/null
done
{
  for t in $(seq 1 "$tenants"); do
    printf -- '---\napiVersion: quartermaster.dev/v1alpha1\nkind: Tenant\nmetadata: {name: fp-%02d}\nspec: {tier: pro, owners: [{kind: User, name: owner-%02d}]}\n' "$t" "$t"
  done
  for t in $(seq 1 "$tenants"); do for r in $(seq 1 "$per"); do
    printf -- '---\napiVersion: quartermaster.dev/v1alpha1\nkind: Resource\nmetadata: {name: files-%02d, namespace: fp-%02d}\nspec: {template: small-storage}\n' "$r" "$t"
  done; done
} > "$work/objects.yaml"

start_operator() { # $1 binary
  "$1" run --kubeconfig "$DIR/kubeconfig-cert" --metrics-bind-address 0 --health-probe-bind-address 0 \
    >>"$work/operator.log" 2>&1 &
  pid=$!
}
wait_converged() {
  local start=$SECONDS
  until python3 "$state" converged "$kc" "$tenants" "$resources"; do
    kubectl --kubeconfig "$kc" apply -f "$work/objects.yaml" >/dev/null 2>&1 || true
    [ $((SECONDS - start)) -lt 1200 ] || { echo "not converged after 1200 s" >&2; exit 1; }
    sleep 2
  done
}

echo "footprint: $tenants Tenants x $per Resources = $resources Resources and IPFSClusters"
# Every binary is measured starting against the same converged objects: the last one builds them.
start_operator "${binaries[-1]}"
wait_converged
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
pid=""
for bin in "${binaries[@]}"; do
  from=$(wc -l < "$DIR/audit.log")
  start_operator "$bin"
  wait_converged
  sleep "$settle"
  memory=$(awk '/^VmRSS|^VmHWM/ {printf "%s %.1f MB  ", $1, $2/1024}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  pid=""
  echo "== $bin"
  echo "   $memory"
  python3 - "$DIR/audit.log" "$from" <<'PY'
import collections, json, sys, urllib.parse
path, start = sys.argv[1], int(sys.argv[2])
lists, watches = collections.Counter(), collections.Counter()
with open(path) as f:
    for n, line in enumerate(f):
        if n < start:
            continue
        e = json.loads(line)
        if e.get("user", {}).get("username") != "cert-admin":
            continue
        # A list is logged when it completes; a watch when its response starts (it completes
        # only when the operator stops).
        if e.get("stage") != ("ResponseStarted" if e.get("verb") == "watch" else "ResponseComplete"):
            continue
        ref = e.get("objectRef", {})
        query = urllib.parse.parse_qs(urllib.parse.urlparse(e.get("requestURI", "")).query)
        key = (ref.get("resource", ""), ref.get("namespace", "*"), query.get("labelSelector", [""])[0])
        if e.get("verb") == "list":
            lists[key] += 1
        elif e.get("verb") == "watch":
            watches[key] += 1
informers = sorted(set(lists) | set(watches))
print(f"   informers {len(informers)}  lists {sum(lists.values())}  watches {sum(watches.values())}")
for k in informers:
    print(f"     {k[0]:<22} ns={k[1]:<8} selector={k[2] or '-':<45} list {lists[k]}  watch {watches[k]}")
PY
done
