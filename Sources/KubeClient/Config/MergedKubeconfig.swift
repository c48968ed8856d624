import Foundation

/// A kubeconfig entry together with the file that defined it.
public struct Sourced<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    /// The kubeconfig file it came from, as given (for messages).
    public var file: String

    public init(_ value: Value, file: String) {
        self.value = value
        self.file = file
    }
}

/// Several kubeconfig files merged as kubectl merges `KUBECONFIG`: the first file to define
/// a cluster, user or context name wins (later definitions of the same name are ignored,
/// also within one file), and `current-context` comes from the first file that sets it.
public struct MergedKubeconfig: Sendable, Hashable {
    /// The files merged, in order.
    public var files: [String]
    public var clusters: [String: Sourced<KubeconfigCluster>] = [:]
    public var users: [String: Sourced<KubeconfigUser>] = [:]
    public var contexts: [String: Sourced<KubeconfigContext>] = [:]
    /// From the first file that sets a non-empty one.
    public var currentContext: String?

    /// Merges `configs` (each with the path it was read from) in order.
    public init(_ configs: [(file: String, config: Kubeconfig)]) {
        files = configs.map(\.file)
        for (file, config) in configs {
            for c in config.clusters where clusters[c.name] == nil { clusters[c.name] = Sourced(c.cluster, file: file) }
            for u in config.users where users[u.name] == nil { users[u.name] = Sourced(u.user, file: file) }
            for c in config.contexts where contexts[c.name] == nil {
                contexts[c.name] = Sourced(c.context, file: file)
            }
            if currentContext == nil, let current = config.currentContext, !current.isEmpty {
                currentContext = current
            }
        }
    }
}
