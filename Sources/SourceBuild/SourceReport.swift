import Foundation

/// What every source Job (analyse, poll, checkout) writes to its termination message: the
/// commit it resolved and, from `quartermaster analyze`, the analysis of that commit.
///
/// Kubernetes keeps at most 4096 bytes of a termination message, so ``encoded()`` guarantees
/// that size (dropping ``SourceAnalysis/env`` names from the end until it fits) and
/// ``decode(_:)`` refuses anything larger or any commit that is not 40 lowercase hex digits.
public struct SourceReport: Codable, Sendable, Equatable {
    /// The resolved commit: 40 lowercase hex digits.
    public var commit: String
    /// The analysis of ``commit``; `nil` from `--resolve-only` and `--checkout-only`.
    public var analysis: SourceAnalysis?

    /// The largest termination message Kubernetes keeps: 4096 bytes.
    public static let maxBytes = 4096

    public init(commit: String, analysis: SourceAnalysis? = nil) {
        self.commit = commit
        self.analysis = analysis
    }

    /// Why a report cannot be read or written.
    public enum ReportError: Error, Equatable, CustomStringConvertible {
        /// The message is larger than ``SourceReport/maxBytes``.
        case tooLarge(bytes: Int)
        /// The commit is not 40 lowercase hex digits.
        case invalidCommit(String)
        /// The message is not a report's JSON; the decoder's reason, without the text itself.
        case unreadable(String)

        public var description: String {
            switch self {
            case .tooLarge(let bytes): "the report is \(bytes) bytes, more than \(SourceReport.maxBytes)"
            case .invalidCommit(let commit): "the commit \(commit.prefix(64)) is not 40 lowercase hex digits"
            case .unreadable(let reason): "the report is not readable JSON: \(reason)"
            }
        }
    }

    /// True for exactly 40 lowercase hex digits.
    public static func isCommit(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Compact JSON (sorted keys) of at most ``maxBytes``: when the analysis makes it larger,
    /// environment names are dropped from the end until it fits; still too large (absurdly long
    /// commands) throws ``ReportError/tooLarge(bytes:)``.
    public func encoded() throws -> Data {
        guard Self.isCommit(commit) else { throw ReportError.invalidCommit(commit) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var report = self
        while true {
            let data = try encoder.encode(report)
            if data.count <= Self.maxBytes { return data }
            guard var analysis = report.analysis, !analysis.env.isEmpty else {
                throw ReportError.tooLarge(bytes: data.count)
            }
            analysis.env.removeLast()
            report.analysis = analysis
        }
    }

    /// Reads a termination message (surrounding whitespace ignored).
    public static func decode(_ message: String) throws -> SourceReport {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count <= maxBytes else { throw ReportError.tooLarge(bytes: text.utf8.count) }
        let report: SourceReport
        do {
            report = try JSONDecoder().decode(SourceReport.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw ReportError.unreadable(Self.reason(error))
        }
        guard isCommit(report.commit) else { throw ReportError.invalidCommit(report.commit) }
        return report
    }

    private static func reason(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "undecodable"
        }
    }
}
