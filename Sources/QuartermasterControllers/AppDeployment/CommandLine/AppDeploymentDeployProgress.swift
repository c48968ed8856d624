import KubeCore

/// What `quartermaster deploy` shows while it follows a Deployment (``AppDeployment``): one
/// progress line (phase, percent, elapsed time, what happens) and when to stop. Pure, so the
/// wording is pinned by table tests; the command only watches, times and writes.
///
/// On a terminal (``AppDeploymentStatusReport/Style/terminal``) the line is redrawn in place:
/// `\r`, erase line (`ESC[2K`), the phase in colour, no newline. Off one (``AppDeploymentStatusReport/Style/plain``)
/// every change is one plain line without escape sequences (``changed(_:_:)`` says when).
public enum AppDeploymentDeployProgress {
    public typealias Style = AppDeploymentStatusReport.Style
    public typealias Phase = AppDeploymentStatus.Phase

    /// The facts of the status the line shows, read from the object by ``init(_:generation:)``.
    public struct Snapshot: Sendable, Equatable {
        /// `nil`: the operator has not reported on the generation followed yet.
        public var phase: Phase?
        /// `status.progress` (0...100); `nil` shows no percentage.
        public var progress: Int?
        /// What happens now, such as `building 3f2c1a9`.
        public var activity: String
        /// `status.url` once exposed.
        public var url: String?
        /// Why it failed (a condition's or the build's reason and message).
        public var reason: String?
        public var message: String?

        public init(
            phase: Phase?, progress: Int? = nil, activity: String, url: String? = nil, reason: String? = nil,
            message: String? = nil
        ) {
            self.phase = phase
            self.progress = progress
            self.activity = activity
            self.url = url
            self.reason = reason
            self.message = message
        }
    }

    /// How following ends.
    public enum Outcome: Sendable, Equatable {
        /// `Exposed` at the URL: exit 0.
        case exposed(url: String)
        /// `Failed`: exit 1.
        case failed(reason: String, message: String)
    }

    /// Where following stands: `nil` while neither `Exposed` nor `Failed` (of the generation
    /// followed).
    public static func outcome(_ snapshot: Snapshot) -> Outcome? {
        switch snapshot.phase {
        case .exposed?:
            return .exposed(url: snapshot.url ?? "")
        case .failed?:
            return .failed(reason: snapshot.reason ?? "Failed", message: snapshot.message ?? "")
        default:
            return nil
        }
    }

    /// The progress line, without a newline. Plain: `Building    30%  0:42  building 3f2c1a9`
    /// (phase padded to the longest phase name, percent right-aligned in 4, `--` when unknown).
    /// Terminal: `\r` + erase line first, the phase coloured (yellow while in progress, green
    /// when `Healthy`/`Exposed`, red when `Failed`/`RollingBack`), the same characters
    /// otherwise.
    public static func line(_ snapshot: Snapshot, elapsed: Duration, style: Style) -> String {
        let phaseText = snapshot.phase?.rawValue ?? "Pending"
        let padded = phaseText + String(repeating: " ", count: max(0, phaseWidth - phaseText.count))
        let percent = snapshot.progress.map { "\(min(100, max(0, $0)))%" } ?? "--"
        let percentText = String(repeating: " ", count: max(0, 4 - percent.count)) + percent
        let rest = "  \(percentText)  \(clock(elapsed))  \(snapshot.activity)"
        switch style {
        case .plain:
            return padded + rest
        case .terminal:
            let colour: String
            switch snapshot.phase {
            case .healthy?, .exposed?: colour = "32"
            case .failed?, .rollingBack?: colour = "31"
            default: colour = "33"
            }
            return "\r\u{1B}[2K\u{1B}[\(colour)m\(phaseText)\u{1B}[0m"
                + String(repeating: " ", count: padded.count - phaseText.count) + rest
        }
    }

    /// Whether a plain output prints a new line: the snapshot changed (elapsed time alone never
    /// makes a line).
    public static func changed(_ old: Snapshot?, _ new: Snapshot) -> Bool { old != new }

    /// The closing lines after the progress line: the URL, or the reason and message.
    public static func closing(_ outcome: Outcome, name: String, namespace: String) -> [String] {
        switch outcome {
        case .exposed(let url):
            return ["deployment.quartermaster.dev \(namespace)/\(name) is exposed at \(url.isEmpty ? "(no URL)" : url)"]
        case .failed(let reason, let message):
            return ["deployment.quartermaster.dev \(namespace)/\(name) failed: \(reason)\(message.isEmpty ? "" : ": \(message)")"]
        }
    }

    /// `deploy --timeout`: `90s`, `30m`, `1h`, `2h30m` (units in any order, each a whole
    /// number), or whole seconds; `nil` for anything else or zero.
    public static func duration(_ text: String) -> Duration? {
        if let seconds = Int(text) { return seconds > 0 ? .seconds(seconds) : nil }
        var total = 0
        var number = ""
        for character in text {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            guard let value = Int(number) else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
        }
        return number.isEmpty && total > 0 ? .seconds(total) : nil
    }

    /// `m:ss`, or `h:mm:ss` from one hour on; negative durations read as 0.
    public static func clock(_ elapsed: Duration) -> String {
        let total = max(0, Int(elapsed.components.seconds))
        let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60)
        let ss = seconds < 10 ? "0\(seconds)" : "\(seconds)"
        if hours > 0 { return "\(hours):\(minutes < 10 ? "0\(minutes)" : "\(minutes)"):\(ss)" }
        return "\(minutes):\(ss)"
    }

    /// The width the phase is padded to: the longest phase name (`Provisioning`).
    static let phaseWidth = Phase.allCases.map(\.rawValue.count).max() ?? 0
}

extension AppDeploymentDeployProgress.Snapshot {
    /// The snapshot of `deployment` as followed from `generation` on (the generation the
    /// command's create or patch answered with): a status of an older generation is not yet
    /// about the spec written, so its phase reads as `nil` ("waiting for the operator") and can
    /// end nothing.
    public init(_ deployment: AppDeployment, generation: Int64?) {
        let status = deployment.status
        let current: Bool
        if let generation {
            current = (status?.observedGeneration ?? 0) >= generation
        } else {
            current = status?.observedGeneration != nil
        }
        guard let status, current, let phase = status.phase else {
            self.init(phase: nil, activity: "waiting for the operator")
            return
        }
        let ready = status.conditions?.first { $0.type == "Ready" }
        let stalled = status.conditions?.first { $0.type == "Stalled" && $0.status == .true }
        let problem = stalled ?? (ready?.status == .false ? ready : nil)
        let build = status.build
        let failedBuild = build?.phase == .failed ? build : nil
        let commit = (build?.commit ?? status.source?.commit).map { String($0.prefix(7)) }
        var activity: String
        switch phase {
        case .queued: activity = "queued" + (problem?.message.map { ": \($0)" } ?? "")
        case .analyzing:
            activity = "analyzing" + (status.source.map { " \($0.url) (\($0.ref))" } ?? " the repository")
        case .building: activity = "building" + (commit.map { " \($0)" } ?? "")
        case .provisioning: activity = "provisioning" + (ready?.message.map { ": \($0)" } ?? "")
        case .deploying:
            activity = "rolling out" + (status.revision.map { " revision \($0)" } ?? "") + (commit.map { " (\($0))" } ?? "")
        case .healthy: activity = "healthy, waiting for the URL"
        case .exposed: activity = "exposed at \(status.url ?? "(no URL)")"
        case .failed:
            activity = "failed" + ((failedBuild?.reason?.rawValue ?? problem?.reason).map { ": \($0)" } ?? "")
        case .rollingBack: activity = "rolling back" + (problem?.reason.map { ": \($0)" } ?? "")
        }
        if activity.hasSuffix(": ") { activity.removeLast(2) }
        // A failed build says best why; else the condition that stalled or is not ready.
        let reason = failedBuild?.reason?.rawValue ?? problem?.reason
        let message = failedBuild?.message ?? problem?.message
        self.init(
            phase: phase,
            progress: status.progress
                ?? ([.failed, .rollingBack].contains(phase) ? nil : AppDeploymentProgress.percent(for: phase, previous: nil)),
            activity: activity, url: status.url, reason: phase == .failed ? reason : nil,
            message: phase == .failed ? message : nil)
    }
}
