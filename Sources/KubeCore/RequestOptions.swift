import Foundation

/// Options of a list request.
public struct ListOptions: Hashable, Sendable {
    /// Label selector, such as `app.kubernetes.io/managed-by=my-operator`. Default: none.
    public var labelSelector: String?
    /// Field selector, such as `metadata.name=x`. Default: none.
    public var fieldSelector: String?
    /// Page size; `nil` (the default) asks for everything at once.
    public var limit: Int?
    /// The `continue` token of the previous page.
    public var continueToken: String?
    /// `"0"` lets the server answer from its watch cache (cheap, possibly slightly stale);
    /// `nil` (the default) asks for a consistent read from etcd.
    public var resourceVersion: String?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil,
        continueToken: String? = nil, resourceVersion: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }
}

/// Options of a watch request.
public struct WatchOptions: Hashable, Sendable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Start after this version (from the list or the last event seen). Default: `nil`, which
    /// makes the server send synthetic `ADDED` events for the current state first.
    public var resourceVersion: String?
    /// Ask the server to close the watch after this many seconds. Default: `nil` (server's
    /// default). The reflector picks a random value between 5 and 10 minutes.
    public var timeoutSeconds: Int?
    /// Ask for `BOOKMARK` events. Default: `true`.
    public var allowWatchBookmarks: Bool

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
        timeoutSeconds: Int? = nil, allowWatchBookmarks: Bool = true
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
        self.allowWatchBookmarks = allowWatchBookmarks
    }
}

/// How a delete propagates to dependents.
public enum PropagationPolicy: String, Codable, Sendable {
    /// Delete dependents in the background (the API's default for most kinds).
    case background = "Background"
    /// Delete dependents first; the owner goes last.
    case foreground = "Foreground"
    /// Leave dependents, removing their owner references.
    case orphan = "Orphan"
}

/// Options of a delete request.
public struct DeleteOptions: Codable, Hashable, Sendable {
    public var apiVersion = "v1"
    public var kind = "DeleteOptions"
    /// Default: `nil`, the server's default for the kind.
    public var propagationPolicy: PropagationPolicy?
    /// Delete only if the object still has this UID / resource version.
    public var preconditions: Preconditions?
    public var gracePeriodSeconds: Int64?

    public struct Preconditions: Codable, Hashable, Sendable {
        public var uid: String?
        public var resourceVersion: String?
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public init(
        propagationPolicy: PropagationPolicy? = nil, preconditions: Preconditions? = nil,
        gracePeriodSeconds: Int64? = nil
    ) {
        self.propagationPolicy = propagationPolicy
        self.preconditions = preconditions
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}

/// Content types of the patch flavours.
public enum PatchType: String, Sendable {
    case merge = "application/merge-patch+json"
    case json = "application/json-patch+json"
    case apply = "application/apply-patch+yaml"
    case strategicMerge = "application/strategic-merge-patch+json"
}

/// Options of a pod log request (`GET /api/v1/namespaces/{ns}/pods/{name}/log`).
public struct PodLogOptions: Hashable, Sendable {
    /// The container to read; `nil` (the default) lets the server pick the only one (it
    /// answers 400 for a pod with several containers).
    public var container: String?
    /// Keep the request open and receive new lines as they are written. Default `false`.
    public var follow: Bool
    /// Only the last N lines already written. Default `nil`: all of them.
    public var tailLines: Int?
    /// Only lines written in the last N seconds. Default `nil`.
    public var sinceSeconds: Int?
    /// Only lines written at or after this RFC 3339 time. Default `nil`.
    public var sinceTime: String?
    /// Prefix every line with its RFC 3339 (nanosecond) time and a space. Default `false`.
    public var timestamps: Bool
    /// The previous (terminated) instance of the container. Default `false`.
    public var previous: Bool
    /// Stop after this many bytes. Default `nil`: no limit.
    public var limitBytes: Int?

    public init(
        container: String? = nil, follow: Bool = false, tailLines: Int? = nil, sinceSeconds: Int? = nil,
        sinceTime: String? = nil, timestamps: Bool = false, previous: Bool = false, limitBytes: Int? = nil
    ) {
        self.container = container
        self.follow = follow
        self.tailLines = tailLines
        self.sinceSeconds = sinceSeconds
        self.sinceTime = sinceTime
        self.timestamps = timestamps
        self.previous = previous
        self.limitBytes = limitBytes
    }
}
