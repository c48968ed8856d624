import Foundation
import KubeCore

/// Ages as kubectl prints them: `45s`, `12m`, `5h`, `3d`; `<unknown>` without a time.
enum ReportAge {
    static func age(of timestamp: String?, now: Date) -> String {
        guard let timestamp, let date = APITimestamp.parse(timestamp) else { return "<unknown>" }
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<120: return "\(seconds)s"
        case ..<(120 * 60): return "\(seconds / 60)m"
        case ..<(48 * 3600): return "\(seconds / 3600)h"
        default: return "\(seconds / 86400)d"
        }
    }
}
