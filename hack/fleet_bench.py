#!/usr/bin/env python3
"""The client and the audit-log arithmetic of hack/fleet-bench.sh.

  fleet_bench.py create DIR PORT TENANTS PER CONCURRENCY PREFIX
      create the Tenants (tier pro), then PER small-storage Resources in each Tenant's namespace
      (a Resource whose namespace does not exist yet is retried 0.2 s later); admin certificate
  fleet_bench.py children DIR PORT AUDIT USER OUT.jsonl
      every object USER created or changed (events, leases, our Tenants and Resources and every
      status subresource left out), read back and turned into a server-side apply body
      (spec/data, labels, annotations; no status, owner references, allocated ClusterIPs)
  fleet_bench.py replay DIR PORT CHILDREN.jsonl CONCURRENCY
      the plain client: server-side apply of every body, cluster-scoped objects first, then the
      rest with CONCURRENCY requests at once (retrying 403/404/409/429/5xx, e.g. a quota whose
      status the quota controller has not computed yet); prints the seconds it took
  fleet_bench.py report AUDIT USER CREATOR FROM TO TENANTS RESOURCES
      the operator's requests by kind and verb in audit lines [FROM, TO), the time from the
      first Tenant create to its last write there (Tenant status aside), and the event-to-apply
      latencies
  fleet_bench.py settled AUDIT USER CREATOR TO
      the same time with Tenant status writes (lines [0, TO)), and the requests after the other
      writes ended
  fleet_bench.py writes AUDIT USER FROM [TO]
      the operator's writes in lines [FROM, TO) (Events and Leases counted apart)
  fleet_bench.py span AUDIT USER
      the time from USER's first write received to its last write done, and its write count
  fleet_bench.py summary UNIT VALUE...  median, min and max
  fleet_bench.py self-check            checks the pure helpers on made-up audit lines

Timestamps are the API server's (audit `requestReceivedTimestamp`, `stageTimestamp`:
microseconds), so both sides are timed by the same clock.
"""
import collections
import concurrent.futures
import datetime
import http.client
import json
import os
import ssl
import sys
import threading
import time

WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
GROUP = "quartermaster.dev"
VERSION = "v1alpha1"
# Written by the operator but not children: its inputs (a finalizer on a Tenant or Resource),
# its Events, and Leases (leader election, host claims).
EVENTS_AND_LEASES = {("", "events"), ("events.k8s.io", "events"), ("coordination.k8s.io", "leases")}
NOT_CHILDREN = EVENTS_AND_LEASES | {(GROUP, "tenants"), (GROUP, "resources")}


# --- pure helpers -------------------------------------------------------------------------

def percentile(values, p):
    """The nearest-rank percentile (p in 0..100) of values; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least 1
    return ordered[int(min(rank, len(ordered))) - 1]


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    return None if n == 0 else (ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2)


def timestamp(text):
    """Seconds since the epoch of an RFC 3339 audit timestamp (2026-12-04T02:14:18.123456Z)."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def events(lines, start=0, stop=None):
    """(line number, event) of the completed requests in lines[start:stop]; a watch at its first
    line, of either stage (the v1.20 API server logs a watch's ResponseStarted only once it
    writes, i.e. at its first event or bookmark; a watch that never saw one appears when it
    ends), so a watch still open and silent at `stop` is not counted."""
    watches = set()
    for n, line in enumerate(lines):
        if n < start:
            continue
        if stop is not None and n >= stop:
            break
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("verb") == "watch":
            if e.get("auditID") not in watches and e.get("stage") in ("ResponseStarted", "ResponseComplete"):
                watches.add(e.get("auditID"))
                yield n, e
        elif e.get("stage") == "ResponseComplete":
            yield n, e


def user(e):
    return e.get("user", {}).get("username")


def ok(e):
    return 200 <= e.get("responseStatus", {}).get("code", 0) < 300


def kind_key(e):
    ref = e.get("objectRef")
    if not ref:  # discovery and other non-resource requests
        return e.get("requestURI", "?").split("?")[0]
    name = ref.get("resource", "?") + ("/" + ref["subresource"] if ref.get("subresource") else "")
    return f'{name}.{ref["apiGroup"]}' if ref.get("apiGroup") else name


def is_write(e):
    return e.get("verb") in WRITE_VERBS


def is_child_write(e):
    ref = e.get("objectRef", {})
    return is_write(e) and not ref.get("subresource") and (ref.get("apiGroup", ""), ref.get("resource")) not in NOT_CHILDREN


def requests_by_kind(evs, who):
    counts = collections.Counter()
    for _, e in evs:
        if user(e) == who:
            counts[(kind_key(e), e.get("verb"))] += 1
    return counts


def event_to_apply(evs, who, creator):
    """Latencies (s) from each Resource's create (its response, creator) to the operator's first
    successful write of the IPFSCluster of the same name, and from each Tenant's create to the
    operator's create of its namespace (named after the Tenant)."""
    created = {"resources": {}, "tenants": {}}
    first = {"ipfsclusters": {}, "namespaces": {}}
    for _, e in evs:
        ref = e.get("objectRef", {})
        key = (ref.get("namespace", ""), ref.get("name", ""))
        if user(e) == creator and e.get("verb") == "create" and ok(e) and ref.get("apiGroup") == GROUP \
                and ref.get("resource") in created and not ref.get("subresource"):
            created[ref["resource"]].setdefault(key, timestamp(e["stageTimestamp"]))
        elif user(e) == who and is_child_write(e) and ok(e) and ref.get("resource") in first:
            first[ref["resource"]].setdefault(key, timestamp(e["stageTimestamp"]))
    resource = [first["ipfsclusters"][k] - t for k, t in created["resources"].items() if k in first["ipfsclusters"]]
    tenant = [first["namespaces"][("", k[1])] - t for k, t in created["tenants"].items()
              if ("", k[1]) in first["namespaces"]]
    return resource, tenant, len(created["resources"]), len(created["tenants"])


def converge_span(evs, who, creator, tenant_status=True):
    """(first Tenant create received, last operator write other than Events and Leases done);
    without Tenant status writes unless tenant_status (they follow the quota controller)."""
    start = end = None
    for _, e in evs:
        ref = e.get("objectRef", {})
        if start is None and user(e) == creator and e.get("verb") == "create" and ref.get("resource") == "tenants":
            start = timestamp(e["requestReceivedTimestamp"])
        if user(e) == who and is_write(e) and (ref.get("apiGroup", ""), ref.get("resource")) not in EVENTS_AND_LEASES \
                and (tenant_status or (ref.get("resource"), ref.get("subresource")) != ("tenants", "status")):
            end = timestamp(e["stageTimestamp"])
    return start, end


def write_span(evs, who):
    """(first write received, last write done) of who."""
    times = [(timestamp(e["requestReceivedTimestamp"]), timestamp(e["stageTimestamp"]))
             for _, e in evs if user(e) == who and is_write(e)]
    return (min(t[0] for t in times), max(t[1] for t in times)) if times else (None, None)


def apply_body(obj):
    """What a plain client would apply to make obj: everything but status and the server's
    metadata; no owner references (their UIDs belong to the other cluster) and no allocated
    ClusterIPs."""
    meta = obj.get("metadata", {})
    body = {"apiVersion": obj["apiVersion"], "kind": obj["kind"],
            "metadata": {k: meta[k] for k in ("name", "namespace", "labels", "annotations") if meta.get(k)}}
    for k, v in obj.items():
        if k not in ("apiVersion", "kind", "metadata", "status"):
            body[k] = json.loads(json.dumps(v))
    if obj["kind"] == "Service":
        spec = body.get("spec", {})
        if spec.get("clusterIP") != "None":
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
    if obj["kind"] == "Namespace":
        body.pop("spec", None)
    return body


def object_path(group, version, resource, namespace, name):
    base = f"/api/{version}" if not group else f"/apis/{group}/{version}"
    return base + (f"/namespaces/{namespace}" if namespace else "") + f"/{resource}/{name}"


# --- the client ---------------------------------------------------------------------------

class Client:
    """HTTPS to the API server as cert-admin, one keep-alive connection per thread."""

    def __init__(self, directory, port, agent):
        self.context = ssl.create_default_context(cafile=f"{directory}/certs/apiserver.crt")
        self.context.load_cert_chain(f"{directory}/client.crt", f"{directory}/client.key")
        self.port, self.agent, self.local = int(port), agent, threading.local()

    def request(self, method, path, body=None, content_type="application/json"):
        for attempt in range(3):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context,
                                                                     timeout=60)
            try:
                headers = {"User-Agent": self.agent, "Accept": "application/json"}
                data = None if body is None else json.dumps(body).encode()
                if data is not None:
                    headers["Content-Type"] = content_type
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                text = response.read()
                return response.status, json.loads(text) if text else {}
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")


RETRY = (403, 404, 409, 429, 500, 503, 504)


def with_retries(send, give_up_after=900.0, pause=0.2):
    """Calls send() until it returns a status outside RETRY; returns (status, body, the
    statuses retried as a Counter)."""
    deadline, retries = time.monotonic() + give_up_after, collections.Counter()
    while True:
        status, body = send()
        if status not in RETRY or time.monotonic() > deadline:
            return status, body, retries
        retries[status] += 1
        time.sleep(pause)


def retried(counters):
    total = sum(counters, collections.Counter())
    return ", ".join(f"{n} x {status}" for status, n in sorted(total.items())) or "none"


def create(directory, port, tenants, per, concurrency, prefix):
    client = Client(directory, port, "fleet-bench-creator/1")
    base = f"/apis/{GROUP}/{VERSION}"
    width = max(2, len(str(tenants)))

    def tenant(t):
        name = f"{prefix}-{t:0{width}d}"
        body = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Tenant", "metadata": {"name": name},
                "spec": {"tier": "pro", "owners": [{"kind": "User", "name": f"owner-{t:0{width}d}"}]}}
        status, _ = client.request("POST", f"{base}/tenants", body)
        return status in (201, 409), collections.Counter()

    def resource(t, r):
        ns = f"{prefix}-{t:0{width}d}"
        body = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Resource",
                "metadata": {"name": f"files-{r:02d}", "namespace": ns}, "spec": {"template": "small-storage"}}
        # 404 until the operator made the namespace; 409: already there (a retried create).
        status, _, retries = with_retries(lambda: client.request("POST", f"{base}/namespaces/{ns}/resources", body))
        return status in (201, 409), retries

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        done = list(pool.map(lambda t: tenant(t), range(1, tenants + 1)))
        done += list(pool.map(lambda tr: resource(*tr), [(t, r) for t in range(1, tenants + 1)
                                                        for r in range(1, per + 1)]))
    failed = sum(1 for d in done if not d[0])
    print(f"created {tenants} Tenants and {tenants * per} Resources in {time.monotonic() - started:.1f} s "
          f"(Resource creates retried: {retried(d[1] for d in done)} (404: the operator had not made the namespace "
          f"yet; 403: quota admission); {failed} failed)")
    return 1 if failed else 0


def children(directory, port, audit, who, out):
    seen, order = set(), []
    with open(audit) as f:
        for _, e in events(f):
            ref = e.get("objectRef", {})
            if user(e) == who and is_child_write(e) and ok(e) and e.get("verb") != "delete":
                key = (ref.get("apiGroup", ""), ref.get("apiVersion", "v1"), ref["resource"], ref.get("namespace", ""),
                       ref.get("name", ""))
                if key not in seen and key[4]:
                    seen.add(key)
                    order.append(key)
    client = Client(directory, port, "fleet-bench-collector/1")

    def read(key):
        status, obj = client.request("GET", object_path(*key))
        return key, (apply_body(obj) if status == 200 else None)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(read, order))
    kept = collections.Counter()
    with open(out, "w") as f:
        # Cluster-scoped objects (namespaces) first: the others go into them.
        for key, body in sorted(bodies, key=lambda kb: bool(kb[0][3])):
            if body is None:
                continue  # gone since (e.g. deleted by the operator itself)
            kept[kind_key({"objectRef": {"resource": key[2], "apiGroup": key[0]}})] += 1
            f.write(json.dumps({"path": object_path(*key), "namespaced": bool(key[3]), "body": body}) + "\n")
    print(f"children written by {who}: {sum(kept.values())} objects: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kept.items())))


def replay(directory, port, path, concurrency):
    with open(path) as f:
        items = [json.loads(line) for line in f]
    client = Client(directory, port, "fleet-bench-plain/1")

    def apply(item):
        status, _, retries = with_retries(lambda: client.request(
            "PATCH", item["path"] + "?fieldManager=fleet-bench-plain&force=true", item["body"],
            "application/apply-patch+yaml"), pause=0.1)
        return status, retries

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(apply, [i for i in items if not i["namespaced"]]))
        results += list(pool.map(apply, [i for i in items if i["namespaced"]]))
    seconds = time.monotonic() - started
    failed = [s for s, _ in results if not 200 <= s < 300]
    print(f"plain client: {len(items)} server-side applies, {concurrency} at once, {seconds:.2f} s "
          f"(retried: {retried(r for _, r in results)}; {len(failed)} failed)")
    return 1 if failed else 0


def report(audit, who, creator, start, stop, tenants, resources):
    with open(audit) as f:
        evs = list(events(f, start, stop))
    counts = requests_by_kind(evs, who)
    total = sum(counts.values())
    writes = sum(v for (k, verb), v in counts.items() if verb in WRITE_VERBS)
    t0, t1 = converge_span(evs, who, creator, tenant_status=False)
    print(f"operator ({who}) requests until converged: {total} ({total / resources:.1f} per Resource), "
          f"writes {writes} ({writes / resources:.1f} per Resource)")
    by_kind = collections.defaultdict(dict)
    for (k, verb), v in counts.items():
        by_kind[k][verb] = v
    for k in sorted(by_kind, key=lambda k: -sum(by_kind[k].values())):
        verbs = by_kind[k]
        print(f"  {k:<40} {sum(verbs.values()):>6}  " + "  ".join(f"{v} {n}" for v, n in sorted(verbs.items())))
    errors = collections.Counter((kind_key(e), e.get("verb"), e.get("responseStatus", {}).get("code"))
                                 for _, e in evs if user(e) == who and not ok(e))
    if errors:
        print("  refused or failed: " + ", ".join(f"{k} {v} {c}: {n}" for (k, v, c), n in sorted(errors.items())))
    resource, tenant, n_resources, n_tenants = event_to_apply(evs, who, creator)
    for name, values, n, what in (("Resource create -> its IPFSCluster applied", resource, n_resources, "Resources"),
                                  ("Tenant create -> its namespace created", tenant, n_tenants, "Tenants")):
        if values:
            print(f"{name}: p50 {percentile(values, 50) * 1000:.0f} ms, p99 {percentile(values, 99) * 1000:.0f} ms, "
                  f"max {max(values) * 1000:.0f} ms (n={len(values)} of {n} {what})")
    child_times = [timestamp(e["stageTimestamp"]) for _, e in evs if user(e) == who and is_child_write(e)]
    if t0 is not None and child_times:
        print(f"children written: {max(child_times) - t0:.2f} s from the first Tenant create to the operator's last "
              f"write of a child object (what the plain client replays)")
        print(f"CHILDREN_SECONDS={max(child_times) - t0:.3f}")
    if t0 is not None and t1 is not None:
        print(f"Resources converged: {t1 - t0:.2f} s from the first Tenant create to the operator's last write "
              f"(Tenant status, Events aside)")
        print(f"CONVERGE_SECONDS={t1 - t0:.3f}")


def settled(audit, who, creator, stop):
    """Everything up to stop: the last write (Tenant status included) and the requests after
    start, for the phase where the quota controller catches up."""
    with open(audit) as f:
        evs = list(events(f, 0, stop))
    t0, t1 = converge_span(evs, who, creator)
    _, t_resources = converge_span(evs, who, creator, tenant_status=False)
    late = collections.Counter(kind_key(e) + " " + e.get("verb", "") for _, e in evs
                               if user(e) == who and timestamp(e["stageTimestamp"]) > (t_resources or 0))
    print(f"settled (the quota controller counted every Resource, each Tenant reports it): {t1 - t0:.2f} s "
          f"from the first Tenant create to the operator's last write; its requests after the Resources converged: "
          + (", ".join(f"{k} {n}" for k, n in sorted(late.items())) or "none"))


def writes(audit, who, start, stop):
    with open(audit) as f:
        evs = [e for _, e in events(f, start, stop) if user(e) == who]
    counted = collections.Counter((kind_key(e), e.get("verb")) for e in evs if is_write(e))
    other = sum(1 for e in evs if is_write(e)
                and (e.get("objectRef", {}).get("apiGroup", ""), e.get("objectRef", {}).get("resource")) in EVENTS_AND_LEASES)
    child = sum(counted.values()) - other
    reads = collections.Counter((kind_key(e), e.get("verb")) for e in evs if not is_write(e))
    detail = ", ".join(f"{k} {v} {n}" for (k, v), n in sorted(counted.items())) or "none"
    print(f"writes {child} (Events/Leases {other}; {detail}); reads {sum(reads.values())} ("
          + ", ".join(f"{k} {v} {n}" for (k, v), n in sorted(reads.items())) + ")")
    print(f"WRITES={child}")


def span(audit, who):
    with open(audit) as f:
        evs = list(events(f))
    first, last = write_span(evs, who)
    count = sum(1 for _, e in evs if user(e) == who and is_write(e))
    print(f"plain client ({who}) in the audit log: {count} writes, {last - first:.2f} s from the first received "
          f"to the last done")
    print(f"SPAN_SECONDS={last - first:.3f}")


def summary(unit, values):
    values = [float(v) for v in values]
    print(f"median {median(values):.2f}{unit}, min {min(values):.2f}{unit}, max {max(values):.2f}{unit} "
          f"(n={len(values)})")


def self_check():
    assert percentile([], 50) is None
    assert percentile([3, 1, 2], 50) == 2
    assert percentile(list(range(1, 101)), 99) == 99
    assert percentile(list(range(1, 101)), 100) == 100
    assert percentile([5], 99) == 5
    assert retried([collections.Counter({404: 2}), collections.Counter({404: 1, 403: 1})]) == "1 x 403, 3 x 404"
    assert retried([]) == "none"
    assert median([4, 1, 3, 2]) == 2.5 and median([3, 1, 2]) == 2
    assert abs(timestamp("2026-12-04T02:14:18.500000Z") - timestamp("2026-12-04T02:14:18.000000Z") - 0.5) < 1e-9

    def line(stage, who, verb, resource, name, at, ns="", group="", code=201, sub="", audit_id=None):
        return json.dumps({"stage": stage, "auditID": audit_id or f"{who}-{verb}-{resource}-{name}-{at}", "user": {"username": who}, "verb": verb,
                           "objectRef": {"resource": resource, "name": name, "namespace": ns, "apiGroup": group,
                                         "subresource": sub},
                           "responseStatus": {"code": code}, "requestReceivedTimestamp": at, "stageTimestamp": at})
    t = "2026-12-04T00:00:0{}.000000Z".format
    lines = [
        line("ResponseComplete", "admin", "create", "tenants", "a", t(0), group=GROUP),
        line("ResponseStarted", "op", "watch", "tenants", "", t(0), group=GROUP, code=200, audit_id="w"),
        line("ResponseComplete", "op", "watch", "tenants", "", t(9), group=GROUP, code=200, audit_id="w"),  # again
        line("ResponseComplete", "op", "watch", "secrets", "", t(9), code=200, audit_id="silent"),  # never sent
        line("ResponseComplete", "op", "create", "namespaces", "a", t(1)),
        line("ResponseComplete", "admin", "create", "resources", "r", t(2), ns="a", group=GROUP),
        line("ResponseComplete", "op", "patch", "ipfsclusters", "r", t(3), ns="a", group=GROUP, code=500),
        line("ResponseComplete", "op", "patch", "ipfsclusters", "r", t(5), ns="a", group=GROUP, code=201),
        line("ResponseComplete", "op", "patch", "ipfsclusters", "r", t(6), ns="a", group=GROUP, code=200),
        line("ResponseComplete", "op", "update", "resources", "r", t(7), ns="a", group=GROUP, sub="status", code=200),
        line("ResponseComplete", "op", "create", "events", "e", t(8), ns="a", code=201),
        "not json",
    ]
    evs = list(events(lines))
    counts = requests_by_kind(evs, "op")
    assert counts[("tenants.quartermaster.dev", "watch")] == 1 and counts[("secrets", "watch")] == 1, counts
    assert counts[("ipfsclusters.quartermaster.dev", "patch")] == 3
    assert counts[("resources/status.quartermaster.dev", "update")] == 1
    resource, tenant, n_r, n_t = event_to_apply(evs, "op", "admin")
    assert resource == [3.0] and tenant == [1.0] and (n_r, n_t) == (1, 1), (resource, tenant)
    start, end = converge_span(evs, "op", "admin")
    assert end - start == 7.0, (start, end)  # the status write counts, the Event does not
    tenant_status = line("ResponseComplete", "op", "update", "tenants", "a", t(9), group=GROUP, sub="status", code=200)
    start, end = converge_span(list(events(lines + [tenant_status])), "op", "admin", tenant_status=False)
    assert end - start == 7.0, (start, end)
    assert [is_child_write(e) for _, e in evs if user(e) == "op"] == [False, False, True, True, True, True, False, False]
    service = {"apiVersion": "v1", "kind": "Service", "status": {},
               "metadata": {"name": "s", "namespace": "a", "uid": "u", "ownerReferences": [{}], "labels": {"l": "v"}},
               "spec": {"clusterIP": "10.0.0.7", "clusterIPs": ["10.0.0.7"], "ports": [{"port": 1}]}}
    assert apply_body(service) == {"apiVersion": "v1", "kind": "Service",
                                   "metadata": {"name": "s", "namespace": "a", "labels": {"l": "v"}},
                                   "spec": {"ports": [{"port": 1}]}}
    headless = dict(service, spec={"clusterIP": "None", "clusterIPs": ["None"]})
    assert apply_body(headless)["spec"] == {"clusterIP": "None", "clusterIPs": ["None"]}
    assert write_span(evs, "op") == (timestamp(t(1)), timestamp(t(8)))
    assert object_path("", "v1", "namespaces", "", "a") == "/api/v1/namespaces/a"
    assert object_path("apps", "v1", "statefulsets", "a", "s") == "/apis/apps/v1/namespaces/a/statefulsets/s"
    print("fleet_bench.py self-check: ok")


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    cmd = a[0]
    if cmd == "create":
        sys.exit(create(a[1], a[2], int(a[3]), int(a[4]), int(a[5]), a[6]))
    elif cmd == "children":
        children(a[1], a[2], a[3], a[4], a[5])
    elif cmd == "replay":
        sys.exit(replay(a[1], a[2], a[3], int(a[4])))
    elif cmd == "report":
        report(a[1], a[2], a[3], int(a[4]), int(a[5]), int(a[6]), int(a[7]))
    elif cmd == "settled":
        settled(a[1], a[2], a[3], int(a[4]))
    elif cmd == "writes":
        writes(a[1], a[2], int(a[3]), int(a[4]) if len(a) > 4 else None)
    elif cmd == "span":
        span(a[1], a[2])
    elif cmd == "summary":
        summary(a[1], a[2:])
    elif cmd == "self-check":
        self_check()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
