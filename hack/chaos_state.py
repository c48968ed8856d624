#!/usr/bin/env python3
"""State of a chaos run, for hack/chaos.sh.

  chaos_state.py converged KUBECONFIG TENANTS RESOURCES   exit 0 when every Tenant and Resource
                                                          is reconciled at its last stage before pods
                                                          and the quota controller counted them
  chaos_state.py resources-converged KUBECONFIG RESOURCES  the same for the Resources and their
                                                          IPFSClusters only
  chaos_state.py snapshot KUBECONFIG OUT.json             the normalised state of every object
  chaos_state.py compare A.json B.json                    exit 1 and print differences
  chaos_state.py keys KUBECONFIG OUT.json                 every identities Secret's data, by object
  chaos_state.py audit AUDIT_LOG USER FROM_LINE           writes by USER from line FROM_LINE on, and
                                                          every write of an identities Secret's data
"""
import json
import subprocess
import sys

VOLATILE_META = {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields",
                 "ownerReferences", "selfLink", "finalizers"}
VOLATILE_ANNOTATIONS = {"quartermaster.dev/applied-hash", "quartermaster.dev/tenant-uid",
                        "deprecated.daemonset.template.generation"}


def kubectl(kubeconfig, *args):
    out = subprocess.run(["kubectl", "--kubeconfig", kubeconfig, *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def items(kubeconfig, kind):
    return kubectl(kubeconfig, "get", kind, "-A", "-o", "json")["items"]


def condition(obj, kind):
    for c in obj.get("status", {}).get("conditions", []) or []:
        if c.get("type") == kind:
            return c
    return {}


def converged(kubeconfig, tenants, resources):
    """Every Tenant reconciled and reporting every Resource counted by the quota controller (the
    controller manager's: it counts Resources created before the quota only at its next full
    resync, up to 5 minutes later), and resources_converged."""
    ts = items(kubeconfig, "tenants.quartermaster.dev")
    if len(ts) != tenants:
        return False
    per = resources // max(tenants, 1)
    for t in ts:
        s = t.get("status", {})
        if s.get("observedGeneration") != t["metadata"].get("generation"):
            return False
        # The quota controller has counted every Resource (it lags the objects).
        if (s.get("quota", {}).get("used") or {}).get("count/resources.quartermaster.dev") != str(per):
            return False
    return resources_converged(kubeconfig, resources)


def resources_converged(kubeconfig, resources):
    """Every Resource reconciled at 80% (Verifying: the last stage before pods run), every
    IPFSCluster reconciled with its StatefulSet's pods created (no kubelet runs them)."""
    rs = items(kubeconfig, "resources.quartermaster.dev")
    if len(rs) != resources:
        return False
    for r in rs:
        s = r.get("status", {})
        if s.get("observedGeneration") != r["metadata"].get("generation") or s.get("progress") != 80:
            return False
    # Each IPFSCluster's status is written after all its objects were applied for its generation.
    cs = items(kubeconfig, "ipfsclusters.quartermaster.dev")
    if len(cs) != resources:
        return False
    for c in cs:
        s = c.get("status", {})
        # ... and has seen the StatefulSet controller create every pod (no kubelet runs them).
        if s.get("observedGeneration") != c["metadata"].get("generation") \
                or len(s.get("peers") or []) != c["spec"].get("replicas") \
                or s.get("replicas") != c["spec"].get("replicas"):
            return False
    return len(items(kubeconfig, "statefulsets")) >= resources


def normalise(obj):
    """Drops what differs between any two runs: identities, times, versions, generated keys."""
    obj = json.loads(json.dumps(obj))
    meta = obj.get("metadata", {})
    for k in VOLATILE_META:
        meta.pop(k, None)
    ann = meta.get("annotations") or {}
    for k in VOLATILE_ANNOTATIONS:
        ann.pop(k, None)
    if not ann:
        meta.pop("annotations", None)
    if obj.get("kind") == "Secret":
        obj["data"] = sorted((obj.get("data") or {}).keys())
    if obj.get("kind") == "ConfigMap":
        obj["data"] = sorted((obj.get("data") or {}).keys())
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Service":
        for k in ("clusterIP", "clusterIPs"):
            spec.pop(k, None)
    template = spec.get("template")
    if isinstance(template, dict):
        (((template.get("metadata") or {}).get("annotations")) or {}).pop("quartermaster.dev/config-hash", None)
    status = obj.get("status")
    if isinstance(status, dict):
        for c in status.get("conditions", []) or []:
            c.pop("lastTransitionTime", None)
            c.pop("lastUpdateTime", None)
            c.pop("lastProbeTime", None)
        for s in status.get("stages", []) or []:
            s.pop("startedAt", None)
            s.pop("finishedAt", None)
        status.pop("peers", None)  # peer IDs derive from generated keys
        for k in ("currentRevision", "updateRevision", "collisionCount"):
            status.pop(k, None)
    return obj


KINDS = ["tenants.quartermaster.dev", "resources.quartermaster.dev", "ipfsclusters.quartermaster.dev",
         "statefulsets", "services", "configmaps", "secrets", "networkpolicies", "resourcequotas",
         "limitranges", "rolebindings", "ingresses"]


def snapshot(kubeconfig, out):
    state = {}
    for kind in KINDS:
        for o in items(kubeconfig, kind):
            labels = o["metadata"].get("labels") or {}
            if kind.endswith("quartermaster.dev") or labels.get("app.kubernetes.io/managed-by") == "quartermaster":
                key = f'{kind}/{o["metadata"].get("namespace", "")}/{o["metadata"]["name"]}'
                state[key] = normalise(o)
    for ns in items(kubeconfig, "namespaces"):
        labels = ns["metadata"].get("labels") or {}
        if "quartermaster.dev/tenant" in labels:
            state[f'namespaces//{ns["metadata"]["name"]}'] = {"labels": labels}
    with open(out, "w") as f:
        json.dump(state, f, sort_keys=True, indent=1)


def compare(a, b):
    with open(a) as f:
        left = json.load(f)
    with open(b) as f:
        right = json.load(f)
    diffs = [k for k in sorted(set(left) | set(right)) if left.get(k) != right.get(k)]
    for k in diffs[:20]:
        print("differs:", k)
        print("  A:", json.dumps(left.get(k), sort_keys=True)[:600])
        print("  B:", json.dumps(right.get(k), sort_keys=True)[:600])
    print(f"{len(left)} objects compared, {len(diffs)} differ")
    return 1 if diffs else 0


def keys(kubeconfig, out):
    data = {}
    for s in items(kubeconfig, "secrets"):
        if s["metadata"]["name"].endswith("-identities"):
            data[f'{s["metadata"]["namespace"]}/{s["metadata"]["name"]}'] = s.get("data") or {}
    for c in items(kubeconfig, "ipfsclusters.quartermaster.dev"):
        peers = [p.get("peerID") for p in (c.get("status", {}).get("peers") or [])]
        data[f'peers:{c["metadata"]["namespace"]}/{c["metadata"]["name"]}'] = peers
    with open(out, "w") as f:
        json.dump(data, f, sort_keys=True)


def audit(path, user, from_line):
    writes = 0
    secret_writes = {}
    with open(path) as f:
        for n, line in enumerate(f):
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("user", {}).get("username") != user:
                continue
            verb = e.get("verb")
            if verb not in ("create", "update", "patch", "delete"):
                continue
            ref = e.get("objectRef", {})
            code = e.get("responseStatus", {}).get("code", 0)
            if ref.get("resource") == "secrets" and ref.get("name", "").endswith("-identities") \
                    and 200 <= code < 300:
                key = f'{ref.get("namespace")}/{ref.get("name")}'
                secret_writes.setdefault(key, []).append(verb)
            if n >= from_line:
                writes += 1
    return writes, secret_writes


def main():
    cmd = sys.argv[1]
    if cmd == "converged":
        sys.exit(0 if converged(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])) else 1)
    if cmd == "resources-converged":
        sys.exit(0 if resources_converged(sys.argv[2], int(sys.argv[3])) else 1)
    if cmd == "snapshot":
        snapshot(sys.argv[2], sys.argv[3])
    elif cmd == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    elif cmd == "keys":
        keys(sys.argv[2], sys.argv[3])
    elif cmd == "audit":
        writes, secret_writes = audit(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        print(json.dumps({"writesSince": writes, "identitySecretWrites": secret_writes}, sort_keys=True))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
