import Foundation
import KubeCore

/// One overridable parameter of a template, and where its value goes in the child's spec.
public struct ResourceTemplateParameter: Hashable, Sendable {
    /// The `spec.parameters` field.
    public enum Name: String, Hashable, Sendable, CaseIterable {
        case size, replicas
        /// A PostgresInstance of the namespace to restore from (`postgres-medium`).
        case restoreFrom
        /// An RFC3339 time to restore to; needs `restoreFrom` (`postgres-medium`).
        case restoreTime
    }

    /// The type, default and inclusive range.
    public enum Range: Hashable, Sendable {
        case quantity(default: Quantity, min: Quantity, max: Quantity)
        case integer(default: Int, min: Int, max: Int)
        /// An object name of the namespace; no default (unset: not written).
        case objectName
        /// An RFC3339 time; no default (unset: not written).
        case time
    }

    public var name: Name
    public var summary: String
    public var range: Range
    /// Where the resolved value is written in the child's `spec` (e.g. `/storage/ipfs/size`):
    /// a quantity as its canonical string (`10Gi`), an integer as a JSON integer.
    public var specPath: JSONPointer

    public init(name: Name, summary: String, range: Range, specPath: JSONPointer) {
        self.name = name
        self.summary = summary
        self.range = range
        self.specPath = specPath
    }

    /// `quantity` or `integer`.
    public var typeName: String {
        switch range {
        case .quantity: return "quantity"
        case .integer: return "integer"
        case .objectName: return "name"
        case .time: return "time"
        }
    }

    /// The default, as text (`10Gi`, `3`).
    public var defaultText: String {
        switch range {
        case .quantity(let d, _, _): return d.description
        case .integer(let d, _, _): return String(d)
        case .objectName, .time: return "unset"
        }
    }

    /// The inclusive range, as text (`1Gi to 10Gi`).
    public var rangeText: String {
        switch range {
        case .quantity(_, let lo, let hi): return "\(lo) to \(hi)"
        case .integer(_, let lo, let hi): return "\(lo) to \(hi)"
        case .objectName: return "an object of the namespace"
        case .time: return "an RFC3339 time"
        }
    }
}
