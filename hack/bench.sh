#!/usr/bin/env bash
# Benchmarks the controller runtime against a throwaway control plane: starts one with
# hack/control-plane.sh (without the controller manager), runs `quartermaster bench` against
# it, prints the command line and the table, and tears the control plane down.
#
#   hack/bench.sh [quartermaster bench options...]   e.g. --objects 1000 --memory-objects 1000,10000
#
# Environment: DIR (state dir, default /tmp/qm-bench-$USER), PORT (default 18443), ETCD_PORT
# (default 18479), BIN (the quartermaster binary; default: `swift build` then .build/debug),
# and what hack/control-plane.sh accepts (ENVTEST_DIR, ASSETS, KUBEBUILDER_ASSETS).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DIR="${DIR:-/tmp/qm-bench-${USER:-$(id -un)}}" PORT="${PORT:-18443}" ETCD_PORT="${ETCD_PORT:-18479}" KCM=0
if [ -z "${BIN:-}" ]; then
  swift build --product quartermaster >&2
  BIN="$root/.build/debug/quartermaster"
fi
trap '"$root/hack/control-plane.sh" down >/dev/null 2>&1 || true' EXIT
"$root/hack/control-plane.sh" up >/dev/null
# The API server's and etcd's CPU per run is read from their /proc entries.
pids=()
for p in apiserver etcd; do [ -f "$DIR/$p.pid" ] && pids+=(--server-pid "$(cat "$DIR/$p.pid")"); done
cmd=("$BIN" bench --kubeconfig "$DIR/kubeconfig" --audit-log "$DIR/audit.log" "${pids[@]}" "$@")
echo "\$ ${cmd[*]}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
"${cmd[@]}"
