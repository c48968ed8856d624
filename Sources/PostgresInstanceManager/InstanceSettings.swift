/// What an instance manager needs from its PostgresInstance, read from the object's JSON
/// (`InstanceSettings.decode(from:)`), independent of the operator's Swift types.
///
/// Defaults are the contract's (`docs`/issue 11): database and owner `app`, PostgreSQL 16, no
/// parameters, no extra pg_hba lines, pooler off.
public struct InstanceSettings: Hashable, Sendable {
    /// The PostgresInstance's name (`metadata.name`); Services are `<name>-rw` and so on.
    public var name: String
    /// The PostgresInstance's namespace (`metadata.namespace`), `nil` when the JSON has none.
    public var namespace: String?
    /// `spec.database`, default `app`.
    public var database: String
    /// `spec.owner`, default `app`.
    public var owner: String
    /// `spec.parameters`: postgresql.conf settings as written by the user (values are strings).
    public var parameters: [String: String]
    /// `spec.pgHBA`: extra pg_hba.conf lines, in order.
    public var pgHBA: [String]
    /// `spec.pooler`.
    public var pooler: PoolerSettings
    /// `spec.postgresVersion`, default 16.
    public var postgresVersion: Int
    /// `status.targetPrimary`: the pod the operator wants as primary; `nil` when unset.
    public var targetPrimary: String?
    /// `status.currentPrimary`: the pod confirmed as primary; `nil` when unset.
    public var currentPrimary: String?
    /// `status.instancesStatus[].podIP` by pod name (entries without a `podIP` left out).
    public var podIPs: [String: String]
    /// `status.archive`: the resolved store this instance archives to; `nil` = no archiving
    /// (`archive_command` is `/bin/true`).
    public var archive: ObjectStoreSettings? = nil
    /// `status.bootstrap`: the backup an empty primary is recovered from; `nil` = `initdb`.
    public var bootstrap: RecoverySource? = nil
    /// `spec.failoverDelay` in seconds, default 5, at least 2 (smaller values read as 2): also
    /// the primary lease's duration.
    public var failoverDelay: Int = 5
    /// `spec.synchronous.number`: how many replicas must confirm a commit (`ANY N`); `nil` for
    /// asynchronous replication.
    public var synchronousNumber: Int?
    /// `status.fencedInstances`: pods the operator has fenced.
    public var fencedInstances: [String] = []
    /// `status.instancesStatus[].name`, in order (with or without a pod IP).
    public var instanceNames: [String] = []

    public init(
        name: String, namespace: String? = nil, database: String = "app", owner: String = "app",
        parameters: [String: String] = [:], pgHBA: [String] = [], pooler: PoolerSettings = PoolerSettings(),
        postgresVersion: Int = 16, targetPrimary: String? = nil, currentPrimary: String? = nil,
        podIPs: [String: String] = [:]
    ) {
        self.name = name
        self.namespace = namespace
        self.database = database
        self.owner = owner
        self.parameters = parameters
        self.pgHBA = pgHBA
        self.pooler = pooler
        self.postgresVersion = postgresVersion
        self.targetPrimary = targetPrimary
        self.currentPrimary = currentPrimary
        self.podIPs = podIPs
    }

    /// Whether `pod` should run as the primary: it is `targetPrimary`, or `targetPrimary` is
    /// unset and `pod` is serial 1 (`<name>-1`).
    public func isPrimary(pod: String) -> Bool {
        if let targetPrimary { return targetPrimary == pod }
        return pod == "\(name)-1"
    }

    /// The primary lease's duration: `failoverDelay` seconds.
    public var leaseDuration: Duration { .seconds(failoverDelay) }

    /// The pod replicas follow: `currentPrimary` when the status has its pod IP, else
    /// `targetPrimary` (else serial 1).
    public var primaryPod: String {
        if let currentPrimary, podIPs[currentPrimary] != nil { return currentPrimary }
        return targetPrimary ?? "\(name)-1"
    }

    /// The primary's pod IP: `currentPrimary`'s, else `targetPrimary`'s (else serial 1's);
    /// `nil` while the status names none.
    public var primaryPodIP: String? {
        if let currentPrimary, let ip = podIPs[currentPrimary] { return ip }
        return podIPs[targetPrimary ?? "\(name)-1"]
    }

    /// The read-write Service's DNS name, `<name>-rw.<namespace>.svc` (the name the server
    /// certificate is checked against); `<name>-rw` without a namespace.
    public var readWriteServiceHost: String {
        guard let namespace, !namespace.isEmpty else { return "\(name)-rw" }
        return "\(name)-rw.\(namespace).svc"
    }
}
