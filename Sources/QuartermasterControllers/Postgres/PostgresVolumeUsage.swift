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
