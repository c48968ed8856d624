#!/usr/bin/env bash
# Crash test: T Tenants (tier pro) with R small-storage Resources each (so T*R IPFSClusters:
# the defaults make 200 Resources and IPFSClusters between them) converge while the operator is
# killed with SIGKILL at K random moments. (Each IPFSCluster takes two ClusterIPs, and the
# envtest API server's service range is a /24: 254 addresses.) Then:
#   - the state (specs, children, status; generated keys, UIDs and times left out) equals that
#     of an undisturbed run on a fresh control plane;
#   - every identities Secret was created once and never written again (audit log), and the
#     keys and peer IDs read after convergence are unchanged after one more restart;
#   - the converged operator, restarted, sends 0 writes.
# Prints the figures; exits non-zero when a check fails. Needs the envtest binaries
# (../shared/envtest/bin or KUBEBUILDER_ASSETS), kubectl and python3.
#
#   hack/chaos.sh [--tenants 20] [--resources-per-tenant 5] [--kills 20] [--release]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tenants=20 per=5 kills=20 config=debug
while [ $# -gt 0 ]; do
  case "$1" in
    --tenants) tenants=$2; shift 2 ;;
    --resources-per-tenant) per=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --release) config=release; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
resources=$((tenants * per))
swift build -c "$config" --product quartermaster >/dev/null
state="$root/hack/chaos_state.py"
work=$(mktemp -d /tmp/qm-chaos-XXXXXX)
# A copy: a rebuild during the run must not change the binary between restarts.
cp "$(swift build -c "$config" --show-bin-path)/quartermaster" "$work/quartermaster"
bin="$work/quartermaster"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  DIR="$work/cp-a" PORT=26443 ETCD_PORT=22379 hack/control-plane.sh down >/dev/null 2>&1 || true
  DIR="$work/cp-b" PORT=27443 ETCD_PORT=23379 hack/control-plane.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

manifests() { # the Tenants and Resources of the run
  for t in $(seq 1 "$tenants"); do
    printf -- '---\napiVersion: quartermaster.dev/v1alpha1\nkind: Tenant\nmetadata: {name: chaos-%02d}\nspec: {tier: pro, owners: [{kind: User, name: owner-%02d}]}\n' "$t" "$t"
  done
  for t in $(seq 1 "$tenants"); do for r in $(seq 1 "$per"); do
    printf -- '---\napiVersion: quartermaster.dev/v1alpha1\nkind: Resource\nmetadata: {name: files-%02d, namespace: chaos-%02d}\nspec: {template: small-storage}\n' "$r" "$t"
  done; done
}

setup() { # $1 state dir, $2 port, $3 etcd port
  DIR="$1" PORT="$2" ETCD_PORT="$3" hack/control-plane.sh up >/dev/null
  local kc="$1/kubeconfig"
  kubectl --kubeconfig "$kc" apply --server-side -k crds >/dev/null
  kubectl --kubeconfig "$kc" apply --server-side -f config/rbac/tenant_owner_role.yaml >/dev/null
  for crd in $(kubectl --kubeconfig "$kc" get crd -o name); do
    kubectl --kubeconfig "$kc" wait --for=condition=Established "$crd" >/dev/null
  done
  manifests > "$work/objects.yaml"
  # Tenants first: Resources need their namespaces, which the operator creates.
  kubectl --kubeconfig "$kc" apply -f "$work/objects.yaml" >/dev/null 2>&1 || true
}

start_operator() { # $1 state dir, $2 log
  "$bin" run --kubeconfig "$1/kubeconfig-cert" --metrics-bind-address 0 --health-probe-bind-address 0 \
    >>"$2" 2>&1 &
  pids+=($!)
  echo $!
}

wait_converged() { # $1 kubeconfig; prints seconds
  local start=$SECONDS
  until python3 "$state" converged "$1" "$tenants" "$resources"; do
    kubectl --kubeconfig "$1" apply -f "$work/objects.yaml" >/dev/null 2>&1 || true
    [ $((SECONDS - start)) -lt 1200 ] || { echo "not converged after 1200 s" >&2; return 1; }
    sleep 2
  done
  echo $((SECONDS - start))
}

echo "chaos: $tenants Tenants x $per Resources = $resources Resources and IPFSClusters, $kills kills ($config build)"

# A: undisturbed.
setup "$work/cp-a" 26443 22379
pid=$(start_operator "$work/cp-a" "$work/operator-a.log")
t_a=$(wait_converged "$work/cp-a/kubeconfig")
kill -9 "$pid"
python3 "$state" snapshot "$work/cp-a/kubeconfig" "$work/a.json"
DIR="$work/cp-a" PORT=26443 ETCD_PORT=22379 hack/control-plane.sh down >/dev/null
echo "undisturbed run converged in ${t_a} s"

# B: killed at random moments while converging.
setup "$work/cp-b" 27443 23379
kc="$work/cp-b/kubeconfig"
t0=$SECONDS
for i in $(seq 1 "$kills"); do
  pid=$(start_operator "$work/cp-b" "$work/operator-b.log")
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.5, 6.0), 2))')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
pid=$(start_operator "$work/cp-b" "$work/operator-b.log")
t_b=$(wait_converged "$kc")
echo "killed $kills times; converged $((SECONDS - t0)) s after the first start"
python3 "$state" snapshot "$kc" "$work/b.json"
python3 "$state" keys "$kc" "$work/keys-1.json"
sleep 10  # let in-flight status writes land
kill -9 "$pid"; wait "$pid" 2>/dev/null || true

# Restart once more: 0 writes, and the keys are the same.
from=$(wc -l < "$work/cp-b/audit.log")
pid=$(start_operator "$work/cp-b" "$work/operator-b.log")
sleep 45  # start, sync every cache, reconcile every object once
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
python3 "$state" keys "$kc" "$work/keys-2.json"
audit=$(python3 "$state" audit "$work/cp-b/audit.log" cert-admin "$from")
python3 - "$audit" "$resources" "$work" <<'PY'
import json, sys
audit, resources, work = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
writes = audit["writesSince"]
secrets = audit["identitySecretWrites"]
once = all(v == ["create"] for v in secrets.values()) and len(secrets) == resources
k1, k2 = (json.load(open(f"{work}/keys-{i}.json")) for i in (1, 2))
print(f"identities Secrets: {len(secrets)}, each created once and never written again: {once}")
print(f"keys and peer IDs unchanged across the last restart: {k1 == k2}")
# The lease renewals of the restarted operator are its only expected writes.
print(f"writes after the converged restart (lease renewals excluded below): {writes}")
PY
lease_free=$(python3 - "$work/cp-b/audit.log" "$from" <<'PY'
import json, sys
n = 0
for i, line in enumerate(open(sys.argv[1])):
    if i < int(sys.argv[2]): continue
    e = json.loads(line)
    ref = e.get("objectRef", {})
    if e.get("user", {}).get("username") == "cert-admin" and e.get("verb") in ("create", "update", "patch", "delete") \
            and ref.get("resource") not in ("leases",):
        n += 1
print(n)
PY
)
echo "writes other than the Lease after the converged restart: $lease_free"
status=0
python3 "$state" compare "$work/a.json" "$work/b.json" || status=1
python3 - "$audit" "$resources" <<'PY' || status=1
import json, sys
a = json.loads(sys.argv[1])
s = a["identitySecretWrites"]
sys.exit(0 if len(s) == int(sys.argv[2]) and all(v == ["create"] for v in s.values()) else 1)
PY
cmp -s "$work/keys-1.json" "$work/keys-2.json" || { echo "keys changed" >&2; status=1; }
[ "$lease_free" = 0 ] || status=1
[ "$status" = 0 ] && echo "chaos: PASS" || echo "chaos: FAIL (logs in $work)"
trap - EXIT; cleanup
exit "$status"
