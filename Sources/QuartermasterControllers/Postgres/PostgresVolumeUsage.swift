import KubeCore

/// How full one volume of an instance is, as its instance manager reports it (`statvfs` of the
/// data or WAL directory's parent): `/status` `dataVolume` / `walVolume`, copied into
/// `status.instancesStatus[]`. Missing numbers decode as 0 (an instance manager that does not
/// know them yet).
public struct PostgresVolumeUsage: Codable, Sendable, Hashable {
    public var usedBytes: Int64
    public var capacityBytes: Int64

    public init(usedBytes: Int64, capacityBytes: Int64) {
        self.usedBytes = usedBytes
        self.capacityBytes = capacityBytes
    }

    enum CodingKeys: String, CodingKey { case usedBytes, capacityBytes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        usedBytes = try c.decodeIfPresent(Int64.self, forKey: .usedBytes) ?? 0
        capacityBytes = try c.decodeIfPresent(Int64.self, forKey: .capacityBytes) ?? 0
    }

    /// How far (a share of the capacity) the used bytes must move before the status shows the
    /// new figure: 5%. Every write to the database moves them (and, where volumes share a file
    /// system, every write of its neighbours); the status (and the API server) need not follow
    /// each byte. Disk growth is decided from the reports, and the metrics carry the exact figures.
    public static let settleFraction = 0.05

    /// `reported`, unless `previous` (the stored figure) has the same capacity and is within
    /// ``settleFraction`` of it: then `previous`, so a status write waits for a real change.
    public static func settled(_ reported: PostgresVolumeUsage?, previous: PostgresVolumeUsage?) -> PostgresVolumeUsage? {
        guard let reported, let previous, previous.capacityBytes == reported.capacityBytes,
            reported.capacityBytes > 0
        else { return reported }
        let moved = abs(Double(reported.usedBytes) - Double(previous.usedBytes))
        return moved < Double(reported.capacityBytes) * settleFraction ? previous : reported
    }

    /// Used share, 0...1; `nil` without a capacity.
    public var fraction: Double? {
        capacityBytes > 0 ? Double(usedBytes) / Double(capacityBytes) : nil
    }

    static func schema(_ description: String) -> JSONSchemaProperty {
        .object(
            description,
            [
                "usedBytes": .integer("Bytes in use.", format: "int64"),
                "capacityBytes": .integer("Size of the file system.", format: "int64"),
            ])
    }
}
