import Foundation

/// What `quartermaster analyze` does in a source Job, as a library: check the URL and reference,
/// get the commit with git, analyse it, and produce the ``SourceReport`` the Job writes to its
/// termination message.
///
/// Layout under ``Options/workdir``: `src` (the checkout), `home` (git's `HOME`), `tmp` (git's
/// `TMPDIR` and captured output: nothing is written outside the workdir, so a read-only root
/// filesystem is fine), `.credentials` (private copies of keys, deleted before returning).
public struct SourceJob: Sendable {
    /// What the Job does.
    public enum Mode: Sendable, Equatable {
        /// Clone, resolve, analyse `src/<subPath>`: a report with an analysis.
        case analyze
        /// `git ls-remote` only (the poll Job): a report with the commit.
        case resolveOnly
        /// Clone into `src` at the commit, no analysis (the build Job's init container).
        case checkoutOnly
    }

    /// The command's flags.
    public struct Options: Sendable {
        public var repository: String
        public var branch: String?
        public var tag: String?
        public var commit: String?
        /// Relative to the repository's root; `""`: the root.
        public var subPath: String
        public var workdir: URL
        /// The mounted git Secret; absent or empty: no credentials.
        public var credentialsDirectory: URL?
        public var mode: Mode
        /// Admits `file://` URLs and paths (tests only).
        public var allowFileURL: Bool
        /// The Dockerfile that makes the directory a `dockerfile` project (relative to the sub-path).
        public var dockerfilePath: String
        /// False ignores a repository Dockerfile (strategy `Generated`).
        public var preferDockerfile: Bool

        public init(
            repository: String, branch: String? = nil, tag: String? = nil, commit: String? = nil, subPath: String = "",
            workdir: URL, credentialsDirectory: URL? = nil, mode: Mode = .analyze, allowFileURL: Bool = false,
            dockerfilePath: String = DockerfileDetector.defaultPath, preferDockerfile: Bool = true
        ) {
            self.dockerfilePath = dockerfilePath
            self.preferDockerfile = preferDockerfile
            self.repository = repository
            self.branch = branch
            self.tag = tag
            self.commit = commit
            self.subPath = subPath
            self.workdir = workdir
            self.credentialsDirectory = credentialsDirectory
            self.mode = mode
            self.allowFileURL = allowFileURL
        }
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    /// Where the repository is checked out: `<workdir>/src`.
    public var checkoutDirectory: URL { options.workdir.appendingPathComponent("src") }

    /// Runs the Job's work; throws on the first failure (descriptions never hold credentials).
    public func run() throws -> SourceReport {
        let remote = try GitRemote(options.repository, allowFile: options.allowFileURL)
        let reference = try GitReference(branch: options.branch, tag: options.tag, commit: options.commit)
        // A bad sub-path is refused before any network work; its existence is checked after the clone.
        _ = try SourceCheckout.checkedSubPath(options.subPath)
        let home = options.workdir.appendingPathComponent("home")
        // ssh records first-seen host keys (accept-new) in $HOME/.ssh/known_hosts.
        try FileManager.default.createDirectory(
            at: home.appendingPathComponent(".ssh"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let credentials = try GitCredentials(
            directory: options.credentialsDirectory, scratch: options.workdir.appendingPathComponent(".credentials"))
        defer { credentials.removeTemporaryFiles() }
        let protocols: [String] =
            switch remote.transport {
            case .https: ["https"]
            case .ssh: ["ssh"]
            case .file: ["file"]
            }
        let scratch = options.workdir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let git = GitRunner(credentials: credentials, allowedProtocols: protocols, home: home, scratch: scratch)
        let checkout = SourceCheckout(remote: remote, reference: reference, git: git)
        switch options.mode {
        case .resolveOnly:
            return SourceReport(commit: try checkout.resolve())
        case .checkoutOnly:
            let commit = try checkout.checkout(into: checkoutDirectory)
            _ = try SourceCheckout.directory(options.subPath, in: checkoutDirectory)
            return SourceReport(commit: commit)
        case .analyze:
            let commit = try checkout.checkout(into: checkoutDirectory)
            let directory = try SourceCheckout.directory(options.subPath, in: checkoutDirectory)
            let analysis = try SourceAnalyzer.analyze(
                directory: directory, dockerfilePath: try SourceCheckout.checkedSubPath(options.dockerfilePath),
                preferDockerfile: options.preferDockerfile)
            return SourceReport(commit: commit, analysis: analysis)
        }
    }

    /// The one-line reason of a failure for stderr and the termination message: newlines
    /// folded, URL userinfo stripped, at most 1024 characters.
    public static func failureLine(_ error: any Error) -> String {
        let text = String(describing: error)
        let line = GitRemote.redact(text).split(whereSeparator: \.isNewline).joined(separator: " ")
        return String(line.prefix(1024))
    }

    /// Writes `text` to the termination log at `path` (replacing it); false when it cannot be
    /// written (no such directory outside a pod).
    @discardableResult
    public static func writeTerminationLog(_ text: String, to path: String) -> Bool {
        var data = Data(text.utf8)
        if data.count > SourceReport.maxBytes { data = data.prefix(SourceReport.maxBytes) }
        return (try? data.write(to: URL(fileURLWithPath: path))) != nil
    }
}
