import Foundation
import KubeCore

/// What a `Reflector` lists and watches, and how it retries.
public struct ReflectorOptions: Sendable {
    /// Label selector, such as `app.kubernetes.io/managed-by=my-operator`. Default: none.
    public var labelSelector: String?
    /// Field selector, such as `metadata.namespace!=kube-system`. Default: none.
    public var fieldSelector: String?
    /// Namespaces to watch: `nil` (the default) watches all namespaces (or the cluster, for
    /// cluster-scoped kinds); a set runs one list-and-watch loop per namespace into one store.
    public var namespaces: Set<String>?
    /// Range of the server-side watch timeout, picked at random for each watch so that many
    /// watches do not all restart at once. Default 300...600 s, as client-go.
    public var watchTimeoutSeconds: ClosedRange<Int>
    /// Page size of consistent relists. The first list (at resourceVersion "0") is served from
    /// the watch cache, which ignores paging. Default 500.
    public var pageSize: Int
    /// Retry schedule for failed lists and watches. Default: `Backoff()` (0.8 s → 30 s).
    public var backoff: Backoff

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, namespaces: Set<String>? = nil,
        watchTimeoutSeconds: ClosedRange<Int> = 300...600, pageSize: Int = 500, backoff: Backoff = Backoff()
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.namespaces = namespaces
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.pageSize = pageSize
        self.backoff = backoff
    }

}
