/// Figures of one `ReconcileBenchmark` run.
public struct ReconcileBenchmarkResult: Sendable {
    public var objects: Int
    public var concurrency: Int
    /// Seconds to create the N parents (POST, `concurrency` at once).
    public var createParentsSeconds: Double
    /// The throughput runs, in order: each a plain-client run followed by a cold controller run.
    public var runs: [ThroughputRun]
    /// How long each plain-client apply took (request to whole response), over every run.
    public var plainApplyLatency: LatencySummary
    /// How long each controller apply took (request to whole response), over every run.
    public var controllerApplyLatency: LatencySummary
    /// Converged reconciles after a label was touched on every parent.
    public var touch: ConvergedReconcile
    /// Converged reconciles after a restart of the controller (fresh caches, every key queued).
    public var restart: ConvergedReconcile
    /// Parent update (write returned) → child applied by the controller.
    public var latency: LatencySummary

    /// Seconds for a plain client to send N server-side applies of children, per run.
    public var directApplySeconds: Spread { Spread(runs.map(\.plainSeconds)) }
    /// Seconds from the controller's start to its N-th child apply, per run.
    public var controllerApplySeconds: Spread { Spread(runs.map(\.controllerSeconds)) }
    /// Controller seconds / plain-client seconds of each run (the two sides of one run).
    public var ratio: Spread { Spread(runs.map(\.ratio)) }
    /// Seconds of the reference side (informers and a plain client), per run that measured it.
    public var informedApplySeconds: Spread { Spread(runs.compactMap(\.informed?.seconds)) }
    /// Informers-and-plain-client seconds / plain-client seconds, per run: what a watch costs.
    public var informedRatio: Spread {
        Spread(runs.compactMap { run in run.informed.map { run.plainSeconds > 0 ? $0.seconds / run.plainSeconds : 0 } })
    }
    /// Controller seconds / informers-and-plain-client seconds, per run: what the queue,
    /// workers and reconciles cost on top of the informers.
    public var controllerOverInformedRatio: Spread {
        Spread(
            runs.compactMap { run in
                run.informed.map { $0.seconds > 0 ? run.controllerSeconds / $0.seconds : 0 }
            })
    }
}

/// One plain-client run and the cold controller run after it, doing the same N applies.
public struct ThroughputRun: Sendable {
    /// Seconds for the plain client's N server-side applies (`concurrency` at once).
    public var plainSeconds: Double
    /// Seconds from the controller's start to its N-th child apply.
    public var controllerSeconds: Double
    /// From the controller's start to the first list answer (either informer's).
    public var firstListAnswerSeconds: Double?
    /// From the controller's start to every informer synced.
    public var syncedSeconds: Double?
    /// From the controller's start to its first child apply.
    public var firstApplySeconds: Double?
    /// Requests the plain client sent.
    public var plainRequests: Int
    /// Requests the controller sent until its N-th apply (lists and watches included).
    public var controllerRequests: Int
    /// Connections libcurl opened for the plain client's requests (0: all on a warm one).
    public var plainConnections: Int
    /// Connections libcurl opened for the controller's sends (its streams are not counted).
    public var controllerConnections: Int
    /// CPU seconds the benchmark process used during the plain client's applies.
    public var plainCPUSeconds: Double
    /// CPU seconds the benchmark process used from the controller's start to its N-th apply.
    public var controllerCPUSeconds: Double
    /// CPU seconds the control plane (the benchmark's `serverPIDs`) used during the plain
    /// client's applies; `nil` when not measured.
    public var plainServerCPUSeconds: Double?
    /// CPU seconds the control plane used from the controller's start to its N-th apply; `nil`
    /// when not measured.
    public var controllerServerCPUSeconds: Double?
    /// The reference side of this run; `nil` when not measured.
    public var informed: InformedRun?

    public init(
        plainSeconds: Double, controllerSeconds: Double, firstListAnswerSeconds: Double?, syncedSeconds: Double?,
        firstApplySeconds: Double?, plainRequests: Int, controllerRequests: Int, plainConnections: Int,
        controllerConnections: Int, plainCPUSeconds: Double = 0, controllerCPUSeconds: Double = 0,
        plainServerCPUSeconds: Double? = nil, controllerServerCPUSeconds: Double? = nil, informed: InformedRun? = nil
    ) {
        self.plainSeconds = plainSeconds
        self.controllerSeconds = controllerSeconds
        self.firstListAnswerSeconds = firstListAnswerSeconds
        self.syncedSeconds = syncedSeconds
        self.firstApplySeconds = firstApplySeconds
        self.plainRequests = plainRequests
        self.controllerRequests = controllerRequests
        self.plainConnections = plainConnections
        self.controllerConnections = controllerConnections
        self.plainCPUSeconds = plainCPUSeconds
        self.controllerCPUSeconds = controllerCPUSeconds
        self.plainServerCPUSeconds = plainServerCPUSeconds
        self.controllerServerCPUSeconds = controllerServerCPUSeconds
        self.informed = informed
    }

    /// `controllerSeconds / plainSeconds` (0 when the plain side took no time).
    public var ratio: Double { plainSeconds > 0 ? controllerSeconds / plainSeconds : 0 }
}

/// The reference side of one throughput run: a cold client running the controller's two
/// informers while it sends the plain client's applies.
public struct InformedRun: Sendable {
    /// From the informers' start to the N-th apply's answer.
    public var seconds: Double
    /// CPU seconds the benchmark process used meanwhile.
    public var cpuSeconds: Double
    /// CPU seconds the control plane used meanwhile; `nil` when not measured.
    public var serverCPUSeconds: Double?

    public init(seconds: Double, cpuSeconds: Double, serverCPUSeconds: Double?) {
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
        self.serverCPUSeconds = serverCPUSeconds
    }
}

/// Median, minimum and maximum of a set of figures.
public struct Spread: Sendable, Hashable {
    /// The median (the mean of the two middle values for an even count); 0 when empty.
    public var median: Double
    public var min: Double
    public var max: Double
    public var count: Int

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        min = sorted.first ?? 0
        max = sorted.last ?? 0
        if sorted.isEmpty {
            median = 0
        } else if sorted.count % 2 == 1 {
            median = sorted[sorted.count / 2]
        } else {
            median = (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }
}

/// What the controller sent while reconciling already converged objects.
public struct ConvergedReconcile: Sendable {
    /// Reconciles that ran.
    public var reconciles: Int
    /// Every request the controller's client sent (lists and watches included).
    public var requests: Int
    /// POST/PUT/PATCH/DELETE the controller's client sent.
    public var writes: Int
    /// create/update/patch/delete the audit log recorded for the controller's user agent;
    /// `nil` without an audit log.
    public var auditWrites: Int?
}
