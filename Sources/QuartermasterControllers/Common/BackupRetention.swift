import Foundation

/// How long backups are kept (a PostgresInstance's `spec.backup.retention`): a recovery window
/// of `count` days, weeks or months, written `30d`, `4w`, `6m` (``pattern``).
///
/// The window means what barman-cloud means by it, since barman-cloud-backup-delete is what
/// deletes: a week is 7 days and a month is 31 days (barman's `RecoveryWindowRetentionPolicy`),
/// so ``cutoff(before:)`` never lies later than the point barman keeps backups for.
public struct BackupRetention: Sendable, Hashable {
    /// The unit of the window.
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        /// `d`: days of 24 hours.
        case days = "d"
        /// `w`: weeks of 7 days.
        case weeks = "w"
        /// `m`: months of 31 days (barman's month).
        case months = "m"

        /// The keyword in a barman retention policy.
        var barmanKeyword: String {
            switch self {
            case .days: return "DAYS"
            case .weeks: return "WEEKS"
            case .months: return "MONTHS"
            }
        }

        /// Days in one unit, as barman counts them.
        var days: Int {
            switch self {
            case .days: return 1
            case .weeks: return 7
            case .months: return 31
            }
        }
    }

    /// The schema pattern of a retention: 1 to 9999 days, weeks or months. The CRD schema uses
    /// it; ``init(parsing:)`` accepts exactly the strings it matches.
    public static let pattern = "^[1-9][0-9]{0,3}[dwm]$"

    /// How many units: 1...9999.
    public let count: Int
    /// Days, weeks or months.
    public let unit: Unit

    /// Parses `30d`, `4w`, `6m` (``pattern``); throws ``BackupRetentionError`` otherwise.
    public init(parsing text: String) throws {
        let refused = BackupRetentionError(
            "retention '\(text.prefix(32))\(text.count > 32 ? "…" : "")': expected 1 to 9999 followed by d (days), w (weeks) or m (months), e.g. 30d")
        let scalars = Array(text.unicodeScalars)
        guard (2...5).contains(scalars.count), let last = scalars.last, let unit = Unit(rawValue: String(last)),
            scalars.dropLast().allSatisfy({ ("0"..."9").contains($0) }), scalars[0] != "0",
            let count = Int(text.dropLast())
        else { throw refused }
        self.count = count
        self.unit = unit
    }

    /// The policy for `barman-cloud-backup-delete --retention-policy`, e.g.
    /// `RECOVERY WINDOW OF 30 DAYS`, `RECOVERY WINDOW OF 4 WEEKS`, `RECOVERY WINDOW OF 6 MONTHS`.
    public var barmanPolicy: String { "RECOVERY WINDOW OF \(count) \(unit.barmanKeyword)" }

    /// The start of the window that ends at `now`: `now` minus `count` days, weeks (7 days) or
    /// months (31 days, as barman counts them). Backups needed to recover to any time after it
    /// are kept.
    public func cutoff(before now: Date) -> Date {
        now.addingTimeInterval(-TimeInterval(count * unit.days * 86_400))
    }
}

/// Why a retention was refused; the message says what is expected.
public struct BackupRetentionError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The reason, ready for a status condition message.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
