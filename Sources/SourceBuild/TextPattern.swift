import Foundation

/// A regular expression the detectors match against source text (ICU syntax, as
/// `NSRegularExpression`). The patterns are the analyser's own constants; one that does not
/// compile matches nothing (the detector tests would show it).
struct TextPattern: @unchecked Sendable {
    private let expression: NSRegularExpression?

    init(_ pattern: String, caseInsensitive: Bool = false) {
        expression = try? NSRegularExpression(
            pattern: pattern, options: caseInsensitive ? [.anchorsMatchLines, .caseInsensitive] : [.anchorsMatchLines])
    }

    /// The first capture group of every match, in order.
    func captures(in text: String) -> [String] {
        guard let expression else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            guard match.numberOfRanges > 1, let captured = Range(match.range(at: 1), in: text) else { return nil }
            return String(text[captured])
        }
    }

    /// The first capture group of the first match.
    func firstCapture(in text: String) -> String? { captures(in: text).first }

    /// Both capture groups of every match (`nil` where a group did not take part).
    func capturePairs(in text: String) -> [(String?, String?)] {
        guard let expression else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).map { match in
            func group(_ index: Int) -> String? {
                guard match.numberOfRanges > index, let r = Range(match.range(at: index), in: text) else { return nil }
                return String(text[r])
            }
            return (group(1), group(2))
        }
    }

    /// `text` with every match replaced by `template` (`$1` is the first group).
    func replace(in text: String, with template: String) -> String {
        guard let expression else { return text }
        return expression.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    /// True when the pattern occurs in `text`.
    func matches(_ text: String) -> Bool {
        guard let expression else { return false }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// A TCP port number when `text` is one (1...65535).
func portNumber(_ text: String?) -> Int? {
    guard let text, let port = Int(text), (1...65535).contains(port) else { return nil }
    return port
}
