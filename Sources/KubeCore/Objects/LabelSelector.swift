import Foundation

/// `meta/v1 LabelSelector`: labels that must match exactly, and set-based expressions.
/// An empty selector (both `nil`) selects everything.
public struct LabelSelector: Codable, Hashable, Sendable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// One set-based requirement: `key in (a,b)`, `key notin (a)`, `key`, `!key`.
    public struct Requirement: Codable, Hashable, Sendable {
        public enum Operator: String, Codable, Hashable, Sendable {
            case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist"
        }
        public var key: String
        public var `operator`: Operator
        /// Required (non-empty) for `In`/`NotIn`, must be absent for `Exists`/`DoesNotExist`.
        public var values: [String]?

        public init(key: String, operator: Operator, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    /// The selector in the query-string syntax of `labelSelector=`, with terms sorted so the
    /// same selector always renders the same way: `app=db,tier in (a,b),!legacy`.
    /// An empty selector renders as `""` (everything).
    public var selectorString: String {
        var terms: [String] = (matchLabels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for r in matchExpressions ?? [] {
            let values = (r.values ?? []).sorted().joined(separator: ",")
            switch r.operator {
            case .in: terms.append("\(r.key) in (\(values))")
            case .notIn: terms.append("\(r.key) notin (\(values))")
            case .exists: terms.append(r.key)
            case .doesNotExist: terms.append("!\(r.key)")
            }
        }
        return terms.joined(separator: ",")
    }

    /// `true` when `labels` satisfy every term (an empty selector matches everything).
    public func matches(_ labels: [String: String]) -> Bool {
        for (k, v) in matchLabels ?? [:] where labels[k] != v { return false }
        for r in matchExpressions ?? [] {
            let value = labels[r.key]
            switch r.operator {
            case .in: if value.map({ (r.values ?? []).contains($0) }) != true { return false }
            case .notIn: if let value, (r.values ?? []).contains(value) { return false }
            case .exists: if value == nil { return false }
            case .doesNotExist: if value != nil { return false }
            }
        }
        return true
    }
}
