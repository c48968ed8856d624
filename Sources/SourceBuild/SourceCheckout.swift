import Foundation

/// Gets a repository's commit with git: resolves a reference remotely (`ls-remote`, for
/// polling) or checks it out shallowly into a directory (`clone --depth 1`; a commit: `init` +
/// `fetch --depth 1 <sha>`), and reads the commit checked out (`rev-parse HEAD`).
public struct SourceCheckout: Sendable {
    /// Why a checkout failed (git's own failures are ``GitRunner/Failure``).
    public enum CheckoutError: Error, Equatable, CustomStringConvertible {
        case referenceNotFound(GitReference)
        case destinationNotEmpty(String)
        case unexpectedCommit(wanted: String, got: String)
        case invalidSubPath(String)

        public var description: String {
            switch self {
            case .referenceNotFound(let reference): "the remote has no \(reference)"
            case .destinationNotEmpty(let path): "\(path) exists and is not empty"
            case .unexpectedCommit(let wanted, let got): "checked out \(got), not the commit \(wanted)"
            case .invalidSubPath(let path): "the sub-path \(path.prefix(128)) is not a directory inside the repository"
            }
        }
    }

    public let remote: GitRemote
    public let reference: GitReference
    let git: GitRunner

    public init(remote: GitRemote, reference: GitReference, git: GitRunner) {
        self.remote = remote
        self.reference = reference
        self.git = git
    }

    /// The commit the reference names on the remote, without cloning. A commit reference is
    /// returned as given (a remote cannot be asked whether it has a commit without fetching).
    public func resolve() throws -> String {
        let pattern: [String]
        switch reference {
        case .commit(let sha): return sha
        case .head: pattern = ["HEAD"]
        case .branch(let name): pattern = ["refs/heads/\(name)"]
        case .tag(let name): pattern = ["refs/tags/\(name)", "refs/tags/\(name)^{}"]
        }
        let output = try git.run(["ls-remote", "--", remote.url] + pattern, name: "ls-remote")
        var found: [String: String] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2, SourceReport.isCommit(fields[0]) else { continue }
            found[fields[1]] = fields[0]
        }
        // An annotated tag: the commit it points to (the peeled `^{}` line), not the tag object.
        let commit: String? =
            switch reference {
            case .tag(let name): found["refs/tags/\(name)^{}"] ?? found["refs/tags/\(name)"]
            case .branch(let name): found["refs/heads/\(name)"]
            case .head: found["HEAD"]
            case .commit: nil
            }
        guard let commit else { throw CheckoutError.referenceNotFound(reference) }
        return commit
    }

    /// Checks the reference out into `destination` (absent or an empty directory) with history
    /// depth 1; returns the commit checked out.
    public func checkout(into destination: URL) throws -> String {
        let manager = FileManager.default
        if let contents = try? manager.contentsOfDirectory(atPath: destination.path), !contents.isEmpty {
            throw CheckoutError.destinationNotEmpty(destination.path)
        }
        try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        switch reference {
        case .head:
            try git.run(["clone", "--depth", "1", "--no-tags", "--", remote.url, destination.path], name: "clone")
        case .branch(let name), .tag(let name):
            try git.run(
                ["clone", "--depth", "1", "--single-branch", "--no-tags", "--branch", name, "--", remote.url, destination.path],
                name: "clone")
        case .commit(let sha):
            try git.run(["init", "--quiet", destination.path], name: "init")
            try git.run(["remote", "add", "origin", remote.url], in: destination, name: "remote add")
            try git.run(["fetch", "--depth", "1", "--no-tags", "origin", sha], in: destination, name: "fetch")
            try git.run(["checkout", "--quiet", "--detach", "FETCH_HEAD"], in: destination, name: "checkout")
        }
        let commit = try git.run(["rev-parse", "HEAD"], in: destination, name: "rev-parse").lowercased()
        if case .commit(let sha) = reference, commit != sha {
            throw CheckoutError.unexpectedCommit(wanted: sha, got: commit)
        }
        guard SourceReport.isCommit(commit) else { throw CheckoutError.unexpectedCommit(wanted: "HEAD", got: commit) }
        return commit
    }

    /// `subPath` without surrounding slashes; refused when absolute or holding `..`.
    public static func checkedSubPath(_ subPath: String) throws -> String {
        let trimmed = subPath.trimmingCharacters(in: CharacterSet(charactersIn: "/").union(.whitespaces))
        guard !subPath.hasPrefix("/"), !trimmed.split(separator: "/").contains(".."),
            !subPath.contains(where: { $0.isNewline || $0 == "\0" })
        else { throw CheckoutError.invalidSubPath(subPath) }
        return trimmed
    }

    /// `subPath` inside `checkout`: relative, no `..`, an existing directory that resolves
    /// (symlinks followed) inside the checkout.
    public static func directory(_ subPath: String, in checkout: URL) throws -> URL {
        let trimmed = try checkedSubPath(subPath)
        let root = checkout.resolvingSymlinksInPath().standardizedFileURL
        let candidate = (trimmed.isEmpty ? root : root.appendingPathComponent(trimmed)).resolvingSymlinksInPath()
            .standardizedFileURL
        var isDirectory: ObjCBool = false
        guard candidate.path == root.path || candidate.path.hasPrefix(root.path + "/"),
            FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw CheckoutError.invalidSubPath(subPath) }
        return candidate
    }
}
