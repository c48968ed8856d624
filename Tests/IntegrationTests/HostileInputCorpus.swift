import Foundation

/// Manifests an adversarial or careless tenant writes, and what must become of each: refused by
/// the API server (the CRD schema), or admitted and reported `Stalled` (or, for objects stored
/// under an older schema that no status write can fix on v1.20, a Warning Event) with a clear
/// message. None may crash the operator or keep it from reconciling the objects beside them.
enum HostileInputCorpus {
    enum Kind: String { case ipfsCluster = "IPFSCluster", tenant = "Tenant", resource = "Resource" }

    enum Outcome {
        /// The API server refuses it; its message contains the text.
        case rejected(String)
        /// Admitted; the operator reports `Stalled=True` with this reason.
        case stalled(reason: String)
        /// Stored under a looser, older schema; the operator reports it in a Warning Event whose
        /// message contains the text.
        case storedEarlier(String)
    }

    struct Entry {
        var kind: Kind
        var name: String
        /// The `spec` as JSON.
        var spec: String
        var outcome: Outcome
    }

    static let peerID = "12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf"
    static func list(_ n: Int, _ item: (Int) -> String) -> String {
        "[" + (0..<n).map { "\"\(item($0))\"" }.joined(separator: ",") + "]"
    }
    static func map(_ n: Int) -> String {
        "{" + (0..<n).map { "\"k\($0)\":\"v\"" }.joined(separator: ",") + "}"
    }
    static let long = String(repeating: "a", count: 600)

    static let entries: [Entry] = ipfsClusters + tenants + resources

    static let ipfsClusters: [Entry] = [
        .init(kind: .ipfsCluster, name: "replicas-zero", spec: #"{"replicas":0}"#, outcome: .rejected("replicas")),
        .init(kind: .ipfsCluster, name: "replicas-negative", spec: #"{"replicas":-1}"#, outcome: .rejected("replicas")),
        .init(kind: .ipfsCluster, name: "replicas-17", spec: #"{"replicas":17}"#, outcome: .rejected("replicas")),
        .init(kind: .ipfsCluster, name: "replicas-huge", spec: #"{"replicas":2000000000}"#, outcome: .rejected("replicas")),
        .init(kind: .ipfsCluster, name: "replicas-int64", spec: #"{"replicas":9223372036854775807}"#, outcome: .rejected("replicas")),
        .init(kind: .ipfsCluster, name: "replicas-float", spec: #"{"replicas":1.5}"#, outcome: .rejected("replicas")),
        .init(kind: .ipfsCluster, name: "replicas-string", spec: #"{"replicas":"3"}"#, outcome: .rejected("replicas")),
        .init(kind: .ipfsCluster, name: "image-empty", spec: #"{"images":{"kubo":""}}"#, outcome: .rejected("images.kubo")),
        .init(kind: .ipfsCluster, name: "image-long", spec: #"{"images":{"cluster":"\#(long)"}}"#, outcome: .rejected("images.cluster")),
        .init(kind: .ipfsCluster, name: "pull-secret-name", spec: #"{"imagePullSecrets":["Bad_Name"]}"#, outcome: .rejected("imagePullSecrets")),
        .init(kind: .ipfsCluster, name: "pull-secrets-many", spec: #"{"imagePullSecrets":\#(list(33) { "s\($0)" })}"#, outcome: .rejected("imagePullSecrets")),
        .init(kind: .ipfsCluster, name: "pull-secrets-duplicate", spec: #"{"imagePullSecrets":["a","a"]}"#, outcome: .rejected("Duplicate")),
        .init(kind: .ipfsCluster, name: "size-words", spec: #"{"storage":{"ipfs":{"size":"ten gigs"}}}"#, outcome: .rejected("storage.ipfs.size")),
        .init(kind: .ipfsCluster, name: "size-long", spec: #"{"storage":{"ipfs":{"size":"1\#(String(repeating: "0", count: 70))"}}}"#, outcome: .rejected("storage.ipfs.size")),
        .init(kind: .ipfsCluster, name: "class-upper", spec: #"{"storage":{"ipfs":{"storageClassName":"UPPER"}}}"#, outcome: .rejected("storageClassName")),
        .init(kind: .ipfsCluster, name: "cpu-words", spec: #"{"resources":{"kubo":{"requests":{"cpu":"lots"}}}}"#, outcome: .rejected("requests")),
        .init(kind: .ipfsCluster, name: "requests-many", spec: #"{"resources":{"kubo":{"requests":\#(map(9))}}}"#, outcome: .rejected("requests")),
        .init(kind: .ipfsCluster, name: "replication-17", spec: #"{"replication":{"min":17}}"#, outcome: .rejected("replication.min")),
        .init(kind: .ipfsCluster, name: "peers-wildcard", spec: #"{"trustedPeers":["*"]}"#, outcome: .rejected("trustedPeers")),
        .init(kind: .ipfsCluster, name: "peers-many", spec: #"{"trustedPeers":\#(list(65) { _ in peerID })}"#, outcome: .rejected("trustedPeers")),
        .init(kind: .ipfsCluster, name: "peers-duplicate", spec: #"{"trustedPeers":["\#(peerID)","\#(peerID)"]}"#, outcome: .rejected("Duplicate")),
        .init(kind: .ipfsCluster, name: "api-nodeport", spec: #"{"exposure":{"api":{"type":"NodePort"}}}"#, outcome: .rejected("exposure.api.type")),
        .init(kind: .ipfsCluster, name: "host-upper", spec: #"{"exposure":{"api":{"type":"Ingress","host":"UPPER.example"}}}"#, outcome: .rejected("host")),
        .init(kind: .ipfsCluster, name: "host-long", spec: #"{"exposure":{"api":{"type":"Ingress","host":"\#(String(repeating: "a.", count: 150))a"}}}"#, outcome: .rejected("host")),
        .init(kind: .ipfsCluster, name: "swarm-hostport", spec: #"{"exposure":{"swarm":{"type":"HostPort"}}}"#, outcome: .rejected("exposure.swarm.type")),
        .init(kind: .ipfsCluster, name: "namespaces-invalid", spec: #"{"allowedNamespaces":["Not A Namespace"]}"#, outcome: .rejected("allowedNamespaces")),
        .init(kind: .ipfsCluster, name: "namespaces-many", spec: #"{"allowedNamespaces":\#(list(33) { "n\($0)" })}"#, outcome: .rejected("allowedNamespaces")),
        .init(kind: .ipfsCluster, name: "selector-many", spec: #"{"nodeSelector":\#(map(33))}"#, outcome: .rejected("nodeSelector")),
        .init(kind: .ipfsCluster, name: "selector-long", spec: #"{"nodeSelector":{"k":"\#(long)"}}"#, outcome: .rejected("nodeSelector")),
        .init(kind: .ipfsCluster, name: "tolerations-many", spec: #"{"tolerations":[\#((0..<33).map { _ in #"{"operator":"Exists"}"# }.joined(separator: ","))]}"#, outcome: .rejected("tolerations")),
        .init(kind: .ipfsCluster, name: "retention-someday", spec: #"{"pvcRetention":"Someday"}"#, outcome: .rejected("pvcRetention")),
        .init(kind: .ipfsCluster, name: "suspended-yes", spec: #"{"suspended":"yes"}"#, outcome: .rejected("suspended")),
        .init(kind: .ipfsCluster, name: "private-one", spec: #"{"privateSwarm":1}"#, outcome: .rejected("privateSwarm")),
        .init(kind: .ipfsCluster, name: String(repeating: "n", count: 53), spec: "{}", outcome: .rejected("metadata.name")),
        .init(kind: .ipfsCluster, name: "9starts-with-digit", spec: "{}", outcome: .rejected("metadata.name")),
        .init(kind: .ipfsCluster, name: "ünicode", spec: "{}", outcome: .rejected("metadata.name")),
        .init(kind: .ipfsCluster, name: "class-missing", spec: #"{"storage":{"ipfs":{"storageClassName":"nope"}}}"#, outcome: .stalled(reason: "StorageClassNotFound")),
        .init(kind: .ipfsCluster, name: "host-clash", spec: #"{"exposure":{"api":{"type":"Ingress","host":"a.example"},"gateway":{"type":"Ingress","host":"a.example"}}}"#, outcome: .stalled(reason: "IngressHostConflict")),
        .init(kind: .ipfsCluster, name: "old-replicas-huge", spec: #"{"replicas":2000000000}"#, outcome: .storedEarlier("replicas: 2000000000 is out of range")),
        .init(kind: .ipfsCluster, name: "old-private-yes", spec: #"{"privateSwarm":"yes"}"#, outcome: .storedEarlier("spec.privateSwarm: expected a boolean")),
        .init(kind: .ipfsCluster, name: "old-retention", spec: #"{"pvcRetention":"Someday"}"#, outcome: .storedEarlier("spec.pvcRetention: unknown value \"Someday\"")),
        .init(kind: .ipfsCluster, name: "old-peers-map", spec: #"{"trustedPeers":{"a":1}}"#, outcome: .storedEarlier("spec.trustedPeers: expected a list")),
        .init(kind: .ipfsCluster, name: "old-peers-many", spec: #"{"trustedPeers":\#(list(100) { _ in peerID })}"#, outcome: .storedEarlier("trustedPeers: 100 entries")),
    ]

    static let tenants: [Entry] = [
        .init(kind: .tenant, name: "tier-platinum", spec: #"{"tier":"platinum"}"#, outcome: .rejected("tier")),
        .init(kind: .tenant, name: "owner-robot", spec: #"{"owners":[{"kind":"Robot","name":"r2"}]}"#, outcome: .rejected("kind")),
        .init(kind: .tenant, name: "owner-empty", spec: #"{"owners":[{"kind":"User","name":""}]}"#, outcome: .rejected("name")),
        .init(kind: .tenant, name: "owners-many", spec: #"{"owners":[\#((0..<33).map { #"{"kind":"User","name":"u\#($0)"}"# }.joined(separator: ","))]}"#, outcome: .rejected("owners")),
        .init(kind: .tenant, name: "ns-invalid", spec: #"{"namespace":"Bad_NS"}"#, outcome: .rejected("spec.namespace")),
        .init(kind: .tenant, name: "ns-long", spec: #"{"namespace":"\#(String(repeating: "n", count: 64))"}"#, outcome: .rejected("spec.namespace")),
        .init(kind: .tenant, name: "quota-words", spec: #"{"quota":{"cpu":"lots"}}"#, outcome: .rejected("quota.cpu")),
        .init(kind: .tenant, name: "quota-pvcs-huge", spec: #"{"quota":{"persistentVolumeClaims":1000000}}"#, outcome: .rejected("persistentVolumeClaims")),
        .init(kind: .tenant, name: "allow-many", spec: #"{"network":{"allowFrom":[\#((0..<33).map { #"{"namespace":"n\#($0)"}"# }.joined(separator: ","))]}}"#, outcome: .rejected("allowFrom")),
        .init(kind: .tenant, name: String(repeating: "t", count: 64), spec: "{}", outcome: .rejected("metadata.name")),
        .init(kind: .tenant, name: "ns-default", spec: #"{"namespace":"default"}"#, outcome: .stalled(reason: "InvalidSpec")),
        .init(kind: .tenant, name: "ns-kube-system", spec: #"{"namespace":"kube-system"}"#, outcome: .stalled(reason: "InvalidSpec")),
        .init(kind: .tenant, name: "allow-both", spec: #"{"network":{"allowFrom":[{"namespace":"a","namespaceSelector":{"matchLabels":{"x":"y"}}}]}}"#, outcome: .stalled(reason: "InvalidSpec")),
        .init(kind: .tenant, name: "limits-inverted", spec: #"{"limits":{"defaultRequest":{"cpu":"4"}}}"#, outcome: .stalled(reason: "InvalidSpec")),
        .init(kind: .tenant, name: "quota-negative", spec: #"{"quota":{"cpu":"-1"}}"#, outcome: .stalled(reason: "InvalidSpec")),
        .init(kind: .tenant, name: "old-tier", spec: #"{"tier":"platinum"}"#, outcome: .storedEarlier("spec.tier: unknown value \"platinum\"")),
        .init(kind: .tenant, name: "old-owners-text", spec: #"{"owners":"alice"}"#, outcome: .storedEarlier("spec.owners: expected a list")),
    ]

    static let resources: [Entry] = [
        .init(kind: .resource, name: "template-unknown", spec: #"{"template":"postgres-huge"}"#, outcome: .rejected("template")),
        .init(kind: .resource, name: "template-missing", spec: #"{}"#, outcome: .rejected("template")),
        .init(kind: .resource, name: "replicas-100", spec: #"{"template":"ipfs-cluster-small","parameters":{"replicas":100}}"#, outcome: .rejected("replicas")),
        .init(kind: .resource, name: String(repeating: "r", count: 53), spec: #"{"template":"small-storage"}"#, outcome: .rejected("metadata.name")),
        .init(kind: .resource, name: "replicas-2", spec: #"{"template":"ipfs-cluster-small","parameters":{"replicas":2}}"#, outcome: .stalled(reason: "InvalidParameters")),
        .init(kind: .resource, name: "size-1ti", spec: #"{"template":"small-storage","parameters":{"size":"1Ti"}}"#, outcome: .stalled(reason: "InvalidParameters")),
        .init(kind: .resource, name: "replicas-on-storage", spec: #"{"template":"small-storage","parameters":{"replicas":2}}"#, outcome: .stalled(reason: "InvalidParameters")),
    ]
}
