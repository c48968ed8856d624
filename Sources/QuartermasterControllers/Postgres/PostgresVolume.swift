import KubeCore

private typealias N = QuartermasterSchemaNodes

/// A PostgresInstance volume (`spec.storage`, `spec.walStorage`): a PersistentVolumeClaim's
/// `size` and optional `storageClassName`, as IPFSCluster's, plus `maxSize`, the cap of the
/// operator's automatic growth (``PostgresDiskPlan``).
///
/// - `maxSize` `nil` (the default): the claim never grows by itself; at 80 % used the instance
///   shows `DiskPressure` (reason `CannotExpand`).
/// - `maxSize` given: must be a quantity no smaller than `size` (the reconciler stalls with
///   `InvalidSpec` otherwise, the webhook refuses it).
public struct PostgresVolume: Codable, Sendable, Equatable {
    /// Requested size, a Kubernetes quantity (`10Gi`).
    public var size: String
    /// StorageClass; `nil` uses the cluster default.
    public var storageClassName: String?
    /// The largest size automatic growth may reach; `nil`: no automatic growth.
    public var maxSize: String?

    public init(size: String, storageClassName: String? = nil, maxSize: String? = nil) {
        self.size = size
        self.storageClassName = storageClassName
        self.maxSize = maxSize
    }

    /// Problems of `maxSize` (`field` prefixes them): not a quantity, or smaller than `size`.
    func maxSizeViolations(field: String) -> [String] {
        guard let maxSize else { return [] }
        guard let cap = Quantity(parsing: maxSize) else {
            return ["\(field).maxSize: \"\(maxSize.prefix(64))\" is not a quantity"]
        }
        if let wanted = Quantity(parsing: size), cap < wanted {
            return ["\(field).maxSize: \(maxSize) is smaller than size \(size)"]
        }
        return []
    }

    static func schema(description: String, defaultSize: String?) -> JSONSchemaProperty {
        var volume = JSONSchemaProperty.object(
            description, default: defaultSize.map { JSONValue.object(["size": .string($0)]) },
            [
                "size": .string(
                    "Requested capacity, a quantity such as 10Gi.", default: defaultSize, pattern: N.quantityPattern,
                    maxLength: 64),
                "storageClassName": N.objectName("StorageClass of the claim; omitted uses the default class."),
                "maxSize": .string(
                    "Automatic growth cap: at 80% used the operator grows the claim by half (rounded up to Gi) up to this size, when the StorageClass allows volume expansion. Omitted: no automatic growth. Must not be smaller than size.",
                    pattern: N.quantityPattern, maxLength: 64),
            ])
        if defaultSize == nil { volume.required = ["size"] }
        return volume
    }
}
