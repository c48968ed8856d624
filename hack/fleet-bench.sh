#!/usr/bin/env bash
# Fleet benchmark: T Tenants (tier pro) with R small-storage Resources each, from an empty
# cluster to every Resource at its last stage before pods (Verifying, 80%: no kubelet runs the
# pods; the same convergence check as hack/chaos.sh), with the controller manager running. Per
# run, on a fresh control plane (service range SERVICE_CIDR, default 10.0.0.0/16: each
# IPFSCluster takes two ClusterIPs, and the shared script's /24 holds 254):
#   - the operator (`quartermaster run` as the user quartermaster-operator, bound to
#     config/rbac's quartermaster-manager-role, and in quartermaster-system to its leader
#     election Role, as deployed) starts, then a client creates the Tenants and
#     the Resources (CONCURRENCY requests at once); the time from the first Tenant create to the
#     operator's last write (Events, Leases and Tenant status aside) before every Resource is at
#     Verifying and every IPFSCluster reports its pods, from the audit log;
#   - the operator's requests per Resource and by kind and verb; its VmRSS at convergence and
#     VmHWM (peak); event-to-apply latencies (a Resource's create -> the operator's first
#     successful write of its IPFSCluster; a Tenant's create -> the operator's create of its
#     namespace), p50/p99/max, audit timestamps;
#   - first run only: once the Tenants report every Resource in their quota too (the controller
#     manager's quota controller lags, up to its 5-minute resync), the operator's writes during
#     --quiet seconds, and during --quiet seconds after a restart (both should be 0; audit log);
#   - every object the operator wrote (children only: no Events, Leases, status) is read back;
#     then, on another fresh control plane, a plain client server-side applies the same
#     objects (namespaces first, then the rest, CONCURRENCY at once), timed the same way.
# Runs alternate (operator, plain, operator, plain, ...); the ratio operator / plain of each
# pair, then median, min and max: once with the operator's time to converge, once with its time
# to its last child write (the objects the plain client writes; status writes, the pods the
# controller manager creates and the IPFSClusters' status after them excluded).
#
#   hack/fleet-bench.sh [--tenants 200] [--resources-per-tenant 10] [--runs 1] [--quiet 30]
#                       [--concurrency 4] [--poll 2] [--release]
#
# --concurrency defaults to the operator's workers per controller (--max-concurrent-reconciles
# 4). Environment: DIR (state dir, default /tmp/qm-fleet-$USER), PORT (default 19443),
# ETCD_PORT (default 19479), SERVICE_CIDR, BIN (the quartermaster binary; default: build this
# tree's debug or --release product). Needs the envtest binaries (../shared/envtest or
# KUBEBUILDER_ASSETS), kubectl and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tenants=200 per=10 runs=1 quiet=30 concurrency=4 poll=2 config=debug
while [ $# -gt 0 ]; do
  case "$1" in
    --tenants) tenants=$2; shift 2 ;;
    --resources-per-tenant) per=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --quiet) quiet=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --poll) poll=$2; shift 2 ;;
    --release) config=release; shift ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
resources=$((tenants * per))
export DIR="${DIR:-/tmp/qm-fleet-${USER:-$(id -un)}}" PORT="${PORT:-19443}" ETCD_PORT="${ETCD_PORT:-19479}"
export SERVICE_CIDR="${SERVICE_CIDR:-10.0.0.0/16}"
unset KCM  # the controller manager runs: it creates the StatefulSets' pods and counts quotas
fleet="$root/hack/fleet_bench.py"
state="$root/hack/chaos_state.py"
operator_user=quartermaster-operator client_user=cert-admin
work=$(mktemp -d /tmp/qm-fleet-bench-XXXXXX)
if [ -z "${BIN:-}" ]; then
  swift build -c "$config" --product quartermaster >&2
  BIN="$(swift build -c "$config" --show-bin-path)/quartermaster"
else
  config="BIN"
fi
# A copy: a rebuild during the run must not change the binary between restarts.
cp "$BIN" "$work/quartermaster"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  hack/control-plane.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

up() { # a fresh control plane with our CRDs and the operator's RBAC
  hack/control-plane.sh down >/dev/null 2>&1 || true
  hack/control-plane.sh up >/dev/null
  local kc="$DIR/kubeconfig"
  kubectl --kubeconfig "$kc" apply --server-side -k crds >/dev/null
  for f in role.yaml tenant_owner_role.yaml aggregated_roles.yaml; do
    kubectl --kubeconfig "$kc" apply --server-side -f "config/rbac/$f" >/dev/null
  done
  kubectl --kubeconfig "$kc" create clusterrolebinding fleet-bench-operator \
    --clusterrole quartermaster-manager-role --user "$operator_user" >/dev/null
  # Its namespace (host-claim Leases, leader election): quartermaster-system, as deployed.
  kubectl --kubeconfig "$kc" create namespace quartermaster-system >/dev/null
  kubectl --kubeconfig "$kc" apply --server-side -f config/rbac/leader_election_role.yaml >/dev/null
  kubectl --kubeconfig "$kc" -n quartermaster-system create rolebinding fleet-bench-operator \
    --role quartermaster-leader-election-role --user "$operator_user" >/dev/null
  for crd in $(kubectl --kubeconfig "$kc" get crd -o name); do
    kubectl --kubeconfig "$kc" wait --for=condition=Established "$crd" >/dev/null
  done
  # Wait until the controller manager's quota controller counts Resources (it finds new kinds
  # by discovery, every 30 s). Before, a quota created for a Tenant gets a status without
  # count/resources.quartermaster.dev, quota admission refuses every Resource in that
  # namespace (403, "status unknown"), and only the next full resync (5 minutes) fixes it: the
  # run would time the controller manager. A probe quota, recreated until its status counts
  # Resources.
  kubectl --kubeconfig "$kc" create namespace fleet-bench-probe >/dev/null
  local waited=0
  until kubectl --kubeconfig "$kc" -n fleet-bench-probe get quota probe -o jsonpath='{.status.used}' 2>/dev/null \
      | grep -q 'count/resources.quartermaster.dev'; do
    kubectl --kubeconfig "$kc" -n fleet-bench-probe delete quota probe --ignore-not-found >/dev/null
    kubectl --kubeconfig "$kc" -n fleet-bench-probe create quota probe \
      --hard=count/resources.quartermaster.dev=1 >/dev/null
    sleep 3; waited=$((waited + 3))
    [ "$waited" -lt 300 ] || { echo "the quota controller does not count Resources after 300 s" >&2; exit 1; }
  done
}

start_operator() { # $1 log
  "$work/quartermaster" run --kubeconfig "$DIR/kubeconfig-operator" --metrics-bind-address 0 \
    --health-probe-bind-address 0 --leader-election-namespace quartermaster-system >>"$1" 2>&1 &
  pid=$!
}
stop_operator() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
memory() { awk '/^VmRSS|^VmHWM/ {printf "%s %.1f MB  ", $1, $2/1024}' "/proc/$pid/status"; }
lines() { wc -l < "$DIR/audit.log"; }
value() { sed -n "s/^$1=//p"; }

echo "fleet: $tenants Tenants (pro) x $per small-storage Resources = $resources Resources and IPFSClusters;" \
  "$runs run(s) each side, alternating; concurrency $concurrency; service range $SERVICE_CIDR"
echo "binary: $BIN ($config)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$fleet" self-check >/dev/null
ratios=() child_ratios=() operator_s=() children_s=() plain_s=() status=0
for run in $(seq 1 "$runs"); do
  echo "== run $run: operator"
  up
  log="$work/operator-$run.log"
  start_operator "$log"
  sleep 5  # its caches list and watch an empty cluster
  python3 "$fleet" create "$DIR" "$PORT" "$tenants" "$per" "$concurrency" fleet
  start=$SECONDS
  until python3 "$state" resources-converged "$DIR/kubeconfig" "$resources"; do
    [ $((SECONDS - start)) -lt 3600 ] || { echo "not converged after 3600 s (log: $log)" >&2; exit 1; }
    kill -0 "$pid" || { echo "the operator exited (log: $log)" >&2; exit 1; }
    sleep "$poll"
  done
  echo "every Resource at Verifying (seen by polling every ${poll} s); operator memory: $(memory)"
  converged_at=$(lines)
  out=$(python3 "$fleet" report "$DIR/audit.log" "$operator_user" "$client_user" 0 "$converged_at" "$tenants" "$resources")
  echo "$out" | grep -v '_SECONDS='
  operator_s+=("$(echo "$out" | value CONVERGE_SECONDS)")
  children_s+=("$(echo "$out" | value CHILDREN_SECONDS)")
  if [ "$run" = 1 ] && [ "$quiet" -gt 0 ]; then
    # Then the Tenants: the quota controller counts Resources created before their namespace's
    # quota only at its next full resync (5 minutes), and each Tenant reports the count.
    until python3 "$state" converged "$DIR/kubeconfig" "$tenants" "$resources"; do
      [ $((SECONDS - start)) -lt 3600 ] || { echo "Tenants not settled after 3600 s (log: $log)" >&2; exit 1; }
      sleep "$poll"
    done
    settled_at=$(lines)
    python3 "$fleet" settled "$DIR/audit.log" "$operator_user" "$client_user" "$settled_at"
    echo "operator memory: $(memory)"
    sleep "$quiet"
    out=$(python3 "$fleet" writes "$DIR/audit.log" "$operator_user" "$settled_at")
    echo "converged, next ${quiet} s: $(echo "$out" | grep -v '^WRITES=')"
    [ "$(echo "$out" | value WRITES)" = 0 ] || status=1
    echo "operator memory after them: $(memory)"
    stop_operator
    from=$(lines)
    start_operator "$log"
    sleep "$quiet"
    out=$(python3 "$fleet" writes "$DIR/audit.log" "$operator_user" "$from")
    echo "restarted, first ${quiet} s: $(echo "$out" | grep -v '^WRITES=')"
    [ "$(echo "$out" | value WRITES)" = 0 ] || status=1
    echo "restarted operator memory: $(memory)"
  fi
  stop_operator
  python3 "$fleet" children "$DIR" "$PORT" "$DIR/audit.log" "$operator_user" "$work/children.jsonl"

  echo "== run $run: plain client"
  up
  python3 "$fleet" replay "$DIR" "$PORT" "$work/children.jsonl" "$concurrency"
  out=$(python3 "$fleet" span "$DIR/audit.log" "$client_user")
  echo "$out" | grep -v '^SPAN_SECONDS='
  plain_s+=("$(echo "$out" | value SPAN_SECONDS)")
  divide() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.3f}')" "$1" "$2"; }
  ratios+=("$(divide "${operator_s[-1]}" "${plain_s[-1]}")")
  child_ratios+=("$(divide "${children_s[-1]}" "${plain_s[-1]}")")
  echo "run $run: operator converged ${operator_s[-1]} s (children written ${children_s[-1]} s), plain client" \
    "${plain_s[-1]} s: ratios ${ratios[-1]}x (${child_ratios[-1]}x)"
done
hack/control-plane.sh down >/dev/null 2>&1 || true
echo "== summary ($runs runs)"
echo "operator, Resources converged:         $(python3 "$fleet" summary " s" "${operator_s[@]}")"
echo "operator, children written:            $(python3 "$fleet" summary " s" "${children_s[@]}")"
echo "plain client, the same children:       $(python3 "$fleet" summary " s" "${plain_s[@]}")"
echo "converged / plain client:              $(python3 "$fleet" summary x "${ratios[@]}")"
echo "children written / plain client:       $(python3 "$fleet" summary x "${child_ratios[@]}")"
[ "$status" = 0 ] && echo "fleet: 0 writes once converged and after a restart" || echo "fleet: WRITES once converged (logs in $work)"
exit "$status"
