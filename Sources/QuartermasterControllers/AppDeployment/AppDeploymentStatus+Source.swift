import KubeCore
import SourceBuild

extension AppDeploymentStatus {
    /// `status.source`: the spec's ref and the commit it resolved to.
    public struct SourceStatus: Codable, Sendable, Equatable {
        /// `spec.source.git.url` as written (a URL with user information never reaches here:
        /// validation refuses a password; a user name is kept).
        public var url: String
        /// What was resolved, as ``ref(of:)`` writes it: `branch main`,
        /// `tag v1`, `commit 3f2c…` or `HEAD`.
        public var ref: String
        /// `spec.source.git.subPath` analysed; `nil` for the repository's root.
        public var subPath: String?
        /// The resolved commit, 40 lower-case hex digits; `nil` until resolved.
        public var commit: String?
        /// When the ref was last resolved (analyse or poll Job finished), RFC3339.
        public var polledAt: String?

        public init(url: String, ref: String, subPath: String? = nil, commit: String? = nil, polledAt: String? = nil) {
            self.url = url
            self.ref = ref
            self.subPath = subPath
            self.commit = commit
            self.polledAt = polledAt
        }

        /// The ``ref`` text of a `spec.source.git`: `branch main`, `tag v1`, `commit <40 hex>` or
        /// `HEAD`, as ``AppDeploymentBuildInput/Reference/statusText`` writes it (the one place).
        public static func ref(of git: AppDeploymentSpec.Git) -> String {
            AppDeploymentBuildInput.reference(git).statusText
        }

        static var schema: JSONSchemaProperty {
            .object(
                "The source's ref and the commit it resolved to.", required: ["url", "ref"],
                [
                    "url": .string("spec.source.git.url.", maxLength: AppDeploymentSpec.Git.maxURLLength),
                    "ref": .string(
                        "branch <name>, tag <name>, commit <sha> or HEAD.",
                        maxLength: AppDeploymentSpec.Git.maxRefLength + "branch ".count),
                    "subPath": .string(
                        "spec.source.git.subPath analysed; absent for the repository's root.",
                        maxLength: AppDeploymentSpec.Git.maxSubPathLength),
                    "commit": .string(
                        "The resolved commit (40 hex).", pattern: AppDeploymentSpec.commitPattern, maxLength: 40),
                    "polledAt": .string("When the ref was last resolved.", maxLength: 64, format: "date-time"),
                ])
        }
    }

    /// `status.build`: the latest build Job and its outcome (Shipwright's BuildRun status is the
    /// bar: output digest, times, failure reason).
    public struct BuildStatus: Codable, Sendable, Equatable {
        /// Where a build Job is.
        public enum Phase: String, Codable, Sendable, CaseIterable {
            case pending = "Pending"
            case running = "Running"
            case succeeded = "Succeeded"
            case failed = "Failed"
        }
        /// Why a build (or the analysis before it) failed; also the `Built` condition's reason.
        public enum Reason: String, Codable, Sendable, CaseIterable {
            /// The builder exited non-zero.
            case buildFailed = "BuildFailed"
            /// The Job ran longer than `spec.build.timeoutSeconds` (or the analyse Job's limit).
            case deadlineExceeded = "DeadlineExceeded"
            /// `quartermaster analyze` failed (nothing it could build, unreadable report).
            case analysisFailed = "AnalysisFailed"
            /// The repository could not be cloned at the ref.
            case cloneFailed = "CloneFailed"
            /// The image could not be pushed.
            case pushFailed = "PushFailed"
            /// The build finished without a digest in its termination message.
            case digestMissing = "DigestMissing"
        }

        /// Longest ``message``: 1024.
        public static let maxMessageLength = 1024

        /// The commit built (40 hex).
        public var commit: String
        /// What is pushed: `<repository>:<commit>`.
        public var image: String
        /// `sha256:<64 hex>` from the termination message; `nil` until known.
        public var digest: String?
        /// The build namespace the Job runs in.
        public var namespace: String
        /// The build Job's name.
        public var job: String
        public var phase: Phase
        /// RFC3339.
        public var startTime: String?
        /// RFC3339.
        public var completionTime: String?
        /// With ``Phase/failed``.
        public var reason: Reason?
        /// At most ``maxMessageLength`` characters from the termination message; never
        /// credentials (URL user information is stripped).
        public var message: String?

        public init(
            commit: String, image: String, digest: String? = nil, namespace: String, job: String, phase: Phase,
            startTime: String? = nil, completionTime: String? = nil, reason: Reason? = nil, message: String? = nil
        ) {
            self.commit = commit
            self.image = image
            self.digest = digest
            self.namespace = namespace
            self.job = job
            self.phase = phase
            self.startTime = startTime
            self.completionTime = completionTime
            self.reason = reason
            self.message = message
        }

        static var schema: JSONSchemaProperty {
            .object(
                "The latest build: its Job, the image pushed and its digest, or why it failed.",
                required: ["commit", "image", "namespace", "job", "phase"],
                [
                    "commit": .string("The commit built (40 hex).", pattern: AppDeploymentSpec.commitPattern, maxLength: 40),
                    "image": .string("What is pushed: <repository>:<commit>.", maxLength: QuartermasterSchemaNodes.imageLength + 41),
                    "digest": .string(
                        "The pushed image's digest (sha256:...).", pattern: #"^sha256:[0-9a-f]{64}$"#, maxLength: 71),
                    "namespace": QuartermasterSchemaNodes.namespaceName("The build namespace."),
                    "job": .string("The build Job's name.", maxLength: QuartermasterSchemaNodes.labelLength),
                    "phase": .string("Pending, Running, Succeeded or Failed.", enum: Phase.allCases.map(\.rawValue)),
                    "startTime": .string("When the Job started.", maxLength: 64, format: "date-time"),
                    "completionTime": .string("When the Job finished.", maxLength: 64, format: "date-time"),
                    "reason": .string("Why it failed.", enum: Reason.allCases.map(\.rawValue)),
                    "message": .string("Details from the build's termination message.", maxLength: maxMessageLength),
                ])
        }
    }

    /// `status.analysis`'s schema: ``SourceAnalysis``, bounded like the termination message it
    /// comes from.
    static var analysisSchema: JSONSchemaProperty {
        let text: (String, Int) -> JSONSchemaProperty = { description, length in .string(description, maxLength: length) }
        return .object(
            "What the analysis of status.source.commit found.", required: ["language"],
            [
                "language": .string(
                    "node, python, go, static or dockerfile.", enum: SourceLanguage.allCases.map(\.rawValue)),
                "framework": text("The web framework found.", 64),
                "version": text("The runtime version asked for.", 64),
                "packageManager": text("npm, yarn, pnpm, pip, poetry or go.", 32),
                "installCommand": text("Installs the dependencies.", SourceReport.maxBytes),
                "buildCommand": text("Builds the project.", SourceReport.maxBytes),
                "startCommand": text("Starts the server.", SourceReport.maxBytes),
                "port": .integer("The port the server listens on.", minimum: 1, maximum: 65535),
                "env": .array(
                    "Names of the environment variables the code reads (never values).", of: text("A name.", 256),
                    maxItems: SourceAnalysis.maxEnvNames),
                "outputDirectory": text("Static sites: the directory served.", 1024),
                "dockerfile": text("The repository's Dockerfile, relative to the analysed directory.", 1024),
            ])
    }
}
