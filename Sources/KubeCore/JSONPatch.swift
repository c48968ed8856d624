import Foundation

/// One operation of an RFC 6902 JSON patch.
public struct JSONPatchOperation: Codable, Hashable, Sendable {
    public enum Op: String, Codable, Sendable { case add, remove, replace, test, move, copy }
    public var op: Op
    /// A JSON pointer (RFC 6901); use `JSONPatchOperation.pointer(_:)` to escape segments.
    public var path: String
    public var value: JSONValue?
    public var from: String?

    public init(op: Op, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    public static func test(_ path: String, _ value: JSONValue) -> Self { .init(op: .test, path: path, value: value) }
    public static func add(_ path: String, _ value: JSONValue) -> Self { .init(op: .add, path: path, value: value) }
    public static func replace(_ path: String, _ value: JSONValue) -> Self { .init(op: .replace, path: path, value: value) }
    public static func remove(_ path: String) -> Self { .init(op: .remove, path: path) }

    /// Joins escaped segments into a JSON pointer: `pointer("metadata", "labels", "a/b")`
    /// gives `/metadata/labels/a~1b`.
    public static func pointer(_ segments: String...) -> String {
        segments.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined()
    }
}
