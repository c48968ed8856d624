import Foundation

/// An RFC 6901 JSON pointer such as `/storage/ipfs/size`: a path of object keys (and array
/// indices) into a ``JSONValue``.
///
/// `~1` stands for `/` and `~0` for `~` inside a segment. The empty pointer `""` names the
/// whole document.
public struct JSONPointer: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The unescaped segments, outermost first.
    public let segments: [String]

    /// A pointer made of `segments` (unescaped).
    public init(segments: [String]) { self.segments = segments }

    /// Parses `text`; `nil` unless it is empty or starts with `/`.
    public init?(parsing text: String) {
        guard !text.isEmpty else {
            self.init(segments: [])
            return
        }
        guard text.hasPrefix("/") else { return nil }
        self.init(
            segments: text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            })
    }

    /// Parses a literal; crashes on invalid text, so use only with literals in code.
    public init(stringLiteral value: String) {
        guard let p = JSONPointer(parsing: value) else { preconditionFailure("invalid JSON pointer literal \(value)") }
        self = p
    }

    /// The escaped text, e.g. `/metadata/labels/app.kubernetes.io~1name`.
    public var description: String {
        segments.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined()
    }
}

/// Why ``JSONValue/setting(_:at:)`` cannot write.
public enum JSONPointerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The value at `prefix` is neither an object nor missing, so `pointer` cannot go through it.
    case notAnObject(pointer: JSONPointer, prefix: JSONPointer)

    public var description: String {
        switch self {
        case .notAnObject(let pointer, let prefix):
            return "cannot set \(pointer): the value at \(prefix.description.isEmpty ? "the root" : prefix.description) is not an object"
        }
    }
}

extension JSONValue {
    /// The value `pointer` names; `nil` as soon as a segment is missing (or is not a valid
    /// index into an array).
    public subscript(pointer pointer: JSONPointer) -> JSONValue? {
        var current = self
        for segment in pointer.segments {
            switch current {
            case .object(let o):
                guard let next = o[segment] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(segment), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    /// A copy with `value` at `pointer`, creating missing objects on the way and replacing
    /// whatever was there. Writes through objects only.
    ///
    /// - Throws: ``JSONPointerError/notAnObject(pointer:prefix:)`` when a value on the way
    ///   (or the root) is neither an object nor missing; nothing is overwritten then.
    public func setting(_ value: JSONValue, at pointer: JSONPointer) throws(JSONPointerError) -> JSONValue {
        try Self.set(value, in: self, segments: pointer.segments[...], pointer: pointer, depth: 0)
    }

    private static func set(
        _ value: JSONValue, in container: JSONValue?, segments: ArraySlice<String>, pointer: JSONPointer, depth: Int
    ) throws(JSONPointerError) -> JSONValue {
        guard let key = segments.first else { return value }
        var object: [String: JSONValue]
        switch container {
        case nil: object = [:]
        case .object(let o)?: object = o
        default:
            throw .notAnObject(pointer: pointer, prefix: JSONPointer(segments: Array(pointer.segments.prefix(depth))))
        }
        object[key] = try set(value, in: object[key], segments: segments.dropFirst(), pointer: pointer, depth: depth + 1)
        return .object(object)
    }
}
