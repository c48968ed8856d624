/// The instance manager's last retention run (`POST /retention`, `GET /retention`).
public struct RetentionReport: Codable, Sendable, Hashable {
    /// `running`, `completed`, `failed`, ``noRunPhase`` (anything else: running).
    public var phase: String
    public var policy: String?
    public var startedAt: String?
    public var finishedAt: String?
    public var deletedBackupIDs: [String]
    public var error: String?

    public init(
        phase: String, policy: String? = nil, startedAt: String? = nil, finishedAt: String? = nil,
        deletedBackupIDs: [String] = [], error: String? = nil
    ) {
        self.phase = phase
        self.policy = policy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.deletedBackupIDs = deletedBackupIDs
        self.error = error
    }

    enum CodingKeys: String, CodingKey { case phase, policy, startedAt, finishedAt, deletedBackupIDs, error }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        phase = try c.decodeIfPresent(String.self, forKey: .phase) ?? ""
        policy = try c.decodeIfPresent(String.self, forKey: .policy)
        startedAt = try c.decodeIfPresent(String.self, forKey: .startedAt)
        finishedAt = try c.decodeIfPresent(String.self, forKey: .finishedAt)
        deletedBackupIDs = try c.decodeIfPresent([String].self, forKey: .deletedBackupIDs) ?? []
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }

    /// The phase of a manager that has run no retention since it started (`GET /retention`
    /// right after a restart): a run the operator believes in progress was lost.
    public static let noRunPhase = "none"

    /// Finished (completed or failed).
    public var isFinished: Bool { phase == "completed" || phase == "failed" }
}
