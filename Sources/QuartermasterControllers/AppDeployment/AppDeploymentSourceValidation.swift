import Foundation
import SourceBuild

/// The `InvalidSpec` rules of `spec.source` and `spec.build` (pure), part of
/// ``AppDeploymentValidation/violations(of:allowFileSources:)``; the schema says the bounds it
/// can, these are again checked for objects stored under an older schema.
///
/// - `source.git.url`: required, at most 512 characters, no whitespace or control character;
///   `https://host/...` or `ssh://host/...` (optionally `user@`), or scp-like `user@host:path`;
///   `file://...` only when `allowFileSources`; any other scheme (`http://`, `git://`, `ext::`)
///   refused; a host starting with `-` (an ssh option) refused. No password in the user information (`https://user:token@...`): credentials
///   belong in `source.git.secretName`.
/// - at most one of `branch`, `tag`, `commit`; a commit is 40 lower-case hex digits; a branch
///   or tag is a git ref name (no whitespace, none of `~^:?*[\`, no `..`, not starting with `-`).
/// - `follow` only with a branch or no ref (a tag or commit never moves); its interval in
///   ``AppDeploymentSpec/Follow/intervalBounds``.
/// - `subPath` and `build.dockerfilePath`: relative (no leading `/`), no `..` component;
///   `dockerfilePath` not empty.
/// - `build`: `timeoutSeconds` in ``AppDeploymentSpec/Build/timeoutBounds``, `port` 1...65535,
///   `builderImage` an image reference, `output.repository` an image repository without tag or
///   digest, override commands not empty and bounded, `version` an image-tag-like word.
public enum AppDeploymentSourceValidation {
    /// The findings for `spec.source` and `spec.build`; empty without a source.
    public static func violations(of spec: AppDeploymentSpec, allowFileSources: Bool) -> [String] {
        guard let source = spec.source else { return [] }
        let git = source.git
        var out = urlViolations(git.url, allowFileSources: allowFileSources)
        let refs = [("branch", git.branch), ("tag", git.tag), ("commit", git.commit)].filter { $0.1 != nil }
        if refs.count > 1 {
            out.append(
                "spec.source.git: \(refs.map(\.0).joined(separator: " and ")) are set; at most one of branch, tag and commit")
        }
        for (field, ref) in [("branch", git.branch), ("tag", git.tag)] {
            if let ref, let problem = refNameProblem(ref) { out.append("spec.source.git.\(field): \(problem)") }
        }
        if let commit = git.commit, !SourceReport.isCommit(commit) {
            out.append("spec.source.git.commit: \"\(commit.prefix(64))\" is not a commit (40 lower-case hex digits)")
        }
        if let problem = relativePathProblem(git.subPath, maxLength: AppDeploymentSpec.Git.maxSubPathLength, allowEmpty: true) {
            out.append("spec.source.git.subPath: \(problem)")
        }
        if let follow = source.follow {
            if git.tag != nil || git.commit != nil {
                out.append(
                    "spec.source.follow: needs a branch or no ref (the remote's HEAD); a \(git.tag != nil ? "tag" : "commit") does not move")
            }
            let bounds = AppDeploymentSpec.Follow.intervalBounds
            if !bounds.contains(follow.intervalSeconds) {
                out.append(
                    "spec.source.follow.intervalSeconds: \(follow.intervalSeconds) is outside \(bounds.lowerBound)...\(bounds.upperBound)")
            }
        }
        if let build = spec.build { out += buildViolations(build) }
        return out
    }

    /// Why `url` is refused as a repository URL; empty when it is accepted.
    public static func urlViolations(_ url: String, allowFileSources: Bool) -> [String] {
        let field = "spec.source.git.url"
        if url.isEmpty { return ["\(field): a repository URL is required"] }
        if url.utf8.count > AppDeploymentSpec.Git.maxURLLength {
            return ["\(field): \(url.utf8.count) characters; at most \(AppDeploymentSpec.Git.maxURLLength)"]
        }
        if url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
            return ["\(field): contains whitespace or a control character"]
        }
        if url.hasPrefix("-") { return ["\(field): must not start with '-'"] }
        // What is shown never includes a password.
        let shown = redacted(url).prefix(128)
        let lower = url.lowercased()
        if lower.hasPrefix("file://") {
            return allowFileSources
                ? [] : ["\(field): file:// URLs are accepted only when the operator runs with --allow-file-sources (tests)"]
        }
        for scheme in ["https://", "ssh://"] where lower.hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            var host = Substring(authority)
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                if userInfo.contains(":") {
                    return [
                        "\(field): \"\(shown)\" carries a password; put credentials in a Secret named by spec.source.git.secretName"
                    ]
                }
                if userInfo.isEmpty { return ["\(field): \"\(shown)\" has an empty user name"] }
                host = authority[authority.index(after: at)...]
            }
            if host.isEmpty || host.hasPrefix(":") || host.hasPrefix("-") { return ["\(field): \"\(shown)\" names no host"] }
            return []
        }
        if let scp = scpLike(url) {
            if scp.user.isEmpty || scp.host.isEmpty || scp.host.hasPrefix("-") || scp.path.isEmpty {
                return ["\(field): \"\(shown)\" is not user@host:path"]
            }
            return []
        }
        if lower.range(of: "^[a-z][a-z0-9+.-]*:", options: .regularExpression) != nil || lower.hasPrefix("/") {
            return ["\(field): \"\(shown)\" is refused: use https://, ssh:// or user@host:path"]
        }
        return ["\(field): \"\(shown)\" is not a repository URL (https://, ssh:// or user@host:path)"]
    }

    /// scp-like `user@host:path` (no `://`, an `@` before the first `:`, a user without `:`).
    static func scpLike(_ url: String) -> (user: String, host: String, path: String)? {
        guard !url.contains("://"), let colon = url.firstIndex(of: ":") else { return nil }
        let head = url[..<colon]
        guard let at = head.lastIndex(of: "@") else { return nil }
        let user = head[..<at]
        let host = head[head.index(after: at)...]
        guard !user.contains("/"), !host.contains("/") else { return nil }
        return (String(user), String(host), String(url[url.index(after: colon)...]))
    }

    /// `url` with the password of its user information (if any) replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<schemeEnd.upperBound]) + authority[..<colon] + ":***" + url[at...]
    }

    /// Why `name` is not a branch or tag name; `nil` when it is one.
    static func refNameProblem(_ name: String) -> String? {
        let shown = name.prefix(64)
        if name.isEmpty { return "empty" }
        if name.utf8.count > AppDeploymentSpec.Git.maxRefLength {
            return "\(name.utf8.count) characters; at most \(AppDeploymentSpec.Git.maxRefLength)"
        }
        if name.hasPrefix("-") { return "\"\(shown)\" must not start with '-'" }
        let forbidden = Set("~^:?*[\\")
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f })
            || name.contains(where: { forbidden.contains($0) }) || name.contains("..") || name.contains("@{")
            || name.hasSuffix("/") || name.hasSuffix(".lock") || name.hasPrefix("/")
        {
            return "\"\(shown)\" is not a git ref name"
        }
        return nil
    }

    /// Why `path` is not a relative path inside the repository; `nil` when it is one.
    static func relativePathProblem(_ path: String, maxLength: Int, allowEmpty: Bool) -> String? {
        if path.isEmpty { return allowEmpty ? nil : "a relative path is required" }
        if path.utf8.count > maxLength { return "\(path.utf8.count) characters; at most \(maxLength)" }
        let shown = path.prefix(64)
        if path.hasPrefix("/") { return "\"\(shown)\" is absolute; a path relative to the repository is required" }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "\"\(shown)\" leaves its directory (..)"
        }
        if path.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
            return "\"\(shown)\" contains whitespace or a control character"
        }
        return nil
    }

    private static func buildViolations(_ build: AppDeploymentSpec.Build) -> [String] {
        var out: [String] = []
        if let problem = relativePathProblem(
            build.dockerfilePath, maxLength: AppDeploymentSpec.Build.maxDockerfilePathLength, allowEmpty: false)
        {
            out.append("spec.build.dockerfilePath: \(problem)")
        }
        let bounds = AppDeploymentSpec.Build.timeoutBounds
        if !bounds.contains(build.timeoutSeconds) {
            out.append("spec.build.timeoutSeconds: \(build.timeoutSeconds) is outside \(bounds.lowerBound)...\(bounds.upperBound)")
        }
        if let port = build.port, !(1...65535).contains(port) {
            out.append("spec.build.port: \(port) is outside 1...65535")
        }
        if let image = build.builderImage {
            if image.utf8.count > QuartermasterSchemaNodes.imageLength || AppDeploymentImage(image) == nil {
                out.append("spec.build.builderImage: \"\(image.prefix(128))\" is not an image reference")
            }
        }
        if let repository = build.output.repository {
            let parsed = AppDeploymentImage(repository)
            if repository.utf8.count > QuartermasterSchemaNodes.imageLength || parsed == nil {
                out.append("spec.build.output.repository: \"\(repository.prefix(128))\" is not an image repository")
            } else if parsed?.tag != nil || parsed?.digest != nil {
                out.append(
                    "spec.build.output.repository: \"\(repository.prefix(128))\" has a tag or digest; the build tags <repository>:<commit>")
            }
        }
        if let overrides = build.overrides {
            let commands = [
                ("installCommand", overrides.installCommand), ("buildCommand", overrides.buildCommand),
                ("startCommand", overrides.startCommand),
            ]
            for (field, command) in commands {
                guard let command else { continue }
                if command.trimmingCharacters(in: .whitespaces).isEmpty {
                    out.append("spec.build.overrides.\(field): empty; omit it to keep the detected command")
                } else if command.utf8.count > AppDeploymentSpec.Build.maxOverrideCommandLength {
                    out.append(
                        "spec.build.overrides.\(field): \(command.utf8.count) characters; at most \(AppDeploymentSpec.Build.maxOverrideCommandLength)")
                }
            }
            if let version = overrides.version,
                version.utf8.count > AppDeploymentSpec.Build.maxOverrideVersionLength
                    || version.range(of: AppDeploymentSpec.versionPattern, options: .regularExpression) == nil
            {
                out.append(
                    "spec.build.overrides.version: \"\(version.prefix(64))\" is not a version (letters, digits, '.', '_', '-', such as 20 or 3.12)")
            }
        }
        return out
    }
}
