import Foundation
import KubeCore

/// One overridable parameter of a template, and where its value goes in the child's spec.
public struct ResourceTemplateParameter: Hashable, Sendable {
    /// The `spec.parameters` field.
    public enum Name: String, Hashable, Sendable, CaseIterable {
        case size, replicas
    }

    /// The type, default and inclusive range.
    public enum Range: Hashable, Sendable {
        case quantity(default: Quantity, min: Quantity, max: Quantity)
        case integer(default: Int, min: Int, max: Int)
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
        }
    }

    /// The default, as text (`10Gi`, `3`).
    public var defaultText: String {
        switch range {
        case .quantity(let d, _, _): return d.description
        case .integer(let d, _, _): return String(d)
        }
    }

    /// The inclusive range, as text (`1Gi to 10Gi`).
    public var rangeText: String {
        switch range {
        case .quantity(_, let lo, let hi): return "\(lo) to \(hi)"
        case .integer(_, let lo, let hi): return "\(lo) to \(hi)"
        }
    }
}
