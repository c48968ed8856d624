import Foundation
import KubeCore
import SourceBuild

/// Why a source step failed: `status.build.reason` and the `Built` condition's reason.
public enum AppDeploymentBuildFailureReason: String, Sendable, Hashable, CaseIterable {
    /// The builder (or the `install` init container of a build) exited non-zero.
    case buildFailed = "BuildFailed"
    /// The Job ran longer than its `activeDeadlineSeconds` (its `Failed` condition says so).
    case deadlineExceeded = "DeadlineExceeded"
    /// The analyse Job failed, or its report is unreadable or has no analysis.
    case analysisFailed = "AnalysisFailed"
    /// The build's checkout or the poll's `ls-remote` failed, or the poll's report is unreadable.
    case cloneFailed = "CloneFailed"
    /// The builder failed pushing (or checking push permission for) the image.
    case pushFailed = "PushFailed"
    /// The build succeeded without a `sha256:<64 hex>` digest in its termination message.
    case digestMissing = "DigestMissing"
}

/// A failed step: reason and a message of at most
/// ``AppDeploymentBuildMessages/maxMessageLength`` characters, URL userinfo stripped.
public struct AppDeploymentBuildFailure: Sendable, Hashable {
    public var reason: AppDeploymentBuildFailureReason
    public var message: String

    public init(reason: AppDeploymentBuildFailureReason, message: String) {
        self.reason = reason
        self.message = message
    }
}

/// Where a step's Job is, and what it produced.
public enum AppDeploymentBuildOutcome<Value: Sendable & Equatable>: Sendable, Equatable {
    /// No container of its pod has started (the pod is unscheduled, pulling images, or not
    /// seen yet).
    case pending
    /// Running; also a Job that completed while its pod's final status has not been observed
    /// yet (the termination message is read from the pod).
    case running
    case succeeded(Value)
    case failed(AppDeploymentBuildFailure)

    /// `Pending`, `Running`, `Succeeded` or `Failed`: `status.build.phase`.
    public var phase: String {
        switch self {
        case .pending: "Pending"
        case .running: "Running"
        case .succeeded: "Succeeded"
        case .failed: "Failed"
        }
    }

    /// The value of a succeeded step.
    public var value: Value? { if case .succeeded(let v) = self { v } else { nil } }
    /// The failure of a failed step.
    public var failure: AppDeploymentBuildFailure? { if case .failed(let f) = self { f } else { nil } }
}

/// Reads the source steps' Jobs and pods (pure): a finished Job's pod's main container
/// termination message as a ``SourceReport`` (analyse, poll) or an image digest (build), and
/// why a Job failed. Messages never carry URL userinfo and are at most
/// ``maxMessageLength`` characters.
public enum AppDeploymentBuildMessages {
    /// The longest failure message kept: 1024 characters.
    public static let maxMessageLength = 1024

    /// The analyse (`step: .analyze`, the report must have an analysis) or poll (`.poll`) Job's
    /// outcome. `pods`: the pods of the build namespace (those of other Jobs are ignored).
    public static func sourceOutcome(
        step: AppDeploymentBuildLabels.Step, job: Job, pods: [Pod]
    ) -> AppDeploymentBuildOutcome<SourceReport> {
        outcome(step: step, job: job, pods: pods) { message in
            let reason = failureReason(step: step, container: AppDeploymentBuildObjects.containerName(step), message: "")
            let report: SourceReport
            do {
                report = try SourceReport.decode(message)
            } catch {
                return .failed(
                    AppDeploymentBuildFailure(
                        reason: reason,
                        message: sanitized("the \(step.rawValue) Job's termination message is not a source report: \(error)")))
            }
            if step == .analyze, report.analysis == nil {
                return .failed(
                    AppDeploymentBuildFailure(
                        reason: reason, message: "the analyze Job's report of commit \(report.commit) has no analysis"))
            }
            return .succeeded(report)
        }
    }

    /// The build Job's outcome: the pushed image's digest (`sha256:<64 hex>`).
    public static func buildOutcome(job: Job, pods: [Pod]) -> AppDeploymentBuildOutcome<String> {
        outcome(step: .build, job: job, pods: pods) { message in
            if let digest = digest(from: message) { return .succeeded(digest) }
            return .failed(
                AppDeploymentBuildFailure(
                    reason: .digestMissing,
                    message: message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                        ? "the build succeeded but wrote no image digest"
                        : sanitized("the build succeeded but wrote no image digest: \(message)")))
        }
    }

    /// The digest in a build's termination message: `sha256:<64 hex>`, alone or after
    /// `<repository>@` (surrounding whitespace ignored); `nil` otherwise.
    public static func digest(from message: String) -> String? {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if AppDeploymentImage.isDigest(text) { return text }
        guard let at = text.lastIndex(of: "@") else { return nil }
        let repository = text[..<at]
        let digest = String(text[text.index(after: at)...])
        guard !repository.isEmpty, !repository.contains(where: \.isWhitespace), AppDeploymentImage.isDigest(digest) else {
            return nil
        }
        return digest
    }

    /// `text` fit for status: URL userinfo (`scheme://user:pass@`) removed, control characters
    /// other than newline and tab replaced by spaces, surrounding whitespace trimmed; longer
    /// than ``maxMessageLength``: `…` and the last characters (a log's error is at its end).
    public static func sanitized(_ text: String) -> String {
        let stripped = strippingUserinfo(text)
        let cleaned = String(
            String.UnicodeScalarView(
                stripped.unicodeScalars.map { scalar in
                    scalar == "\n" || scalar == "\t" || !CharacterSet.controlCharacters.contains(scalar) ? scalar : " "
                })
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        guard cleaned.count > maxMessageLength else { return cleaned }
        return "…" + String(cleaned.suffix(maxMessageLength - 1))
    }

    /// Removes the userinfo of every `scheme://userinfo@host` in `text`.
    public static func strippingUserinfo(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "://") {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            // The authority ends at `/`, whitespace or a quote; userinfo is what precedes its last `@`.
            let end =
                rest.firstIndex { $0 == "/" || $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "?" || $0 == "#" }
                ?? rest.endIndex
            if let at = rest[..<end].lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        }
        return result + rest
    }

    /// The Job's start (`status.startTime`) and end: `completionTime` when it succeeded, the
    /// `Failed` condition's transition time when it failed.
    public static func times(job: Job) -> (start: String?, end: String?) {
        let status = job.status
        let end = status?.completionTime ?? status?.trueCondition("Failed")?.lastTransitionTime
        return (status?.startTime, status?.isFinished == true ? end : nil)
    }

    /// The pods the Job made (label `job-name` or an owner reference to its uid), newest first.
    public static func pods(of job: Job, in pods: [Pod]) -> [Pod] {
        guard let name = job.metadata.name else { return [] }
        let uid = job.metadata.uid
        return pods.filter { pod in
            pod.metadata.namespace == job.metadata.namespace
                && (pod.metadata.labels?["job-name"] == name
                    || (uid != nil && pod.metadata.ownerReferences?.contains { $0.uid == uid } == true))
        }
        .sorted { ($0.metadata.creationTimestamp ?? "") > ($1.metadata.creationTimestamp ?? "") }
    }

    // MARK: - Reading a Job

    private static func outcome<Value>(
        step: AppDeploymentBuildLabels.Step, job: Job, pods allPods: [Pod],
        success: (String) -> AppDeploymentBuildOutcome<Value>
    ) -> AppDeploymentBuildOutcome<Value> {
        let pods = self.pods(of: job, in: allPods)
        let main = AppDeploymentBuildObjects.containerName(step)
        if let failed = job.status?.trueCondition("Failed") {
            return .failed(failure(step: step, job: job, condition: failed, pods: pods))
        }
        if job.status?.isComplete == true {
            for pod in pods {
                if let terminated = pod.status?.containerStatuses?.first(where: { $0.name == main })?.terminated,
                    terminated.exitCode == 0
                {
                    return success(terminated.message ?? "")
                }
            }
            return .running
        }
        return pods.contains(where: started) ? .running : .pending
    }

    /// `true` once any (init) container of the pod runs or ran.
    private static func started(_ pod: Pod) -> Bool {
        if pod.status?.phase == "Running" { return true }
        let statuses = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
        return statuses.contains { $0.state?["running"] != nil || $0.state?["terminated"] != nil }
    }

    private static func failure(
        step: AppDeploymentBuildLabels.Step, job: Job, condition: JobCondition, pods: [Pod]
    ) -> AppDeploymentBuildFailure {
        if condition.reason == "DeadlineExceeded" {
            let deadline = job.spec?.activeDeadlineSeconds.map { " of \($0) seconds" } ?? ""
            return AppDeploymentBuildFailure(
                reason: .deadlineExceeded, message: "the \(step.rawValue) Job ran longer than its deadline\(deadline)")
        }
        for pod in pods {
            let statuses = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
            for status in statuses {
                guard let terminated = status.terminated, terminated.exitCode != 0 else { continue }
                let text = sanitized(terminated.message ?? "")
                let message =
                    text.isEmpty
                    ? "container \(status.name) exited with code \(terminated.exitCode)"
                        + (terminated.reason.map { " (\($0))" } ?? "")
                    : text
                return AppDeploymentBuildFailure(
                    reason: failureReason(step: step, container: status.name, message: text), message: message)
            }
            if let reason = pod.status?.reason {
                let detail = pod.status?.message.map { ": \($0)" } ?? ""
                return AppDeploymentBuildFailure(
                    reason: failureReason(step: step, container: "", message: ""),
                    message: sanitized("the \(step.rawValue) pod failed (\(reason)\(detail))"))
            }
        }
        let detail = [condition.reason, condition.message].compactMap { $0 }.joined(separator: ": ")
        return AppDeploymentBuildFailure(
            reason: failureReason(step: step, container: "", message: ""),
            message: sanitized("the \(step.rawValue) Job failed" + (detail.isEmpty ? "" : " (\(detail))")))
    }

    /// The reason for a non-zero exit of `container` in `step`: analyse → AnalysisFailed, poll
    /// → CloneFailed; build: `checkout` → CloneFailed, a push error → PushFailed, the
    /// BuildKit script's missing digest → DigestMissing, anything else → BuildFailed.
    static func failureReason(
        step: AppDeploymentBuildLabels.Step, container: String, message: String
    ) -> AppDeploymentBuildFailureReason {
        switch step {
        case .analyze: return .analysisFailed
        case .poll: return .cloneFailed
        case .build:
            if container == AppDeploymentBuildObjects.checkoutContainerName { return .cloneFailed }
            guard container == AppDeploymentBuildObjects.containerName(.build) else { return .buildFailed }
            if message.hasPrefix("DigestMissing:") { return .digestMissing }
            let lower = message.lowercased()
            let pushMarkers = ["error pushing image", "failed to push", "push access denied", "checking push permission"]
            return pushMarkers.contains { lower.contains($0) } ? .pushFailed : .buildFailed
        }
    }
}
