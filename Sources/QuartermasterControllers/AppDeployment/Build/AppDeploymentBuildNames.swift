import Foundation

/// Names of the objects the operator creates in the build namespace for one source Deployment
/// `<app>`. The single place these names are decided; each is at most 63 characters
/// (``BoundedName``: a long app name is shortened and a digest of it added):
///
/// | object | name |
/// | --- | --- |
/// | analyse Job | `<app>-analyze-<8 hex>`: digest of URL, reference, sub-path and target commit |
/// | poll Job | `<app>-poll-<unix time / interval>` |
/// | build Job, its Dockerfile ConfigMap | `<app>-build-<commit 12>-<6 hex>`: digest of the Dockerfile, sub-path, builder and images |
/// | git Secret copy | `<app>-git` |
/// | push Secret copy | `<app>-push` |
///
/// Jobs are immutable: different inputs give a different name, the same inputs the same one
/// (so a create that finds it exists means the Job is already there).
public struct AppDeploymentBuildNames: Sendable, Hashable {
    /// The Deployment's (`quartermaster.dev`) name.
    public var app: String

    public init(app: String) { self.app = app }

    /// Hex digits of the analyse Job's digest: 8.
    public static let analyzeDigestLength = 8
    /// Hex digits of the build Job's digest: 6.
    public static let buildDigestLength = 6
    /// Digits of the commit in the build Job's name: 12.
    public static let commitLength = 12

    /// `<app>-analyze-<8 hex>` of the source (URL, reference, sub-path) and the commit asked
    /// for (`nil`: the reference's head).
    public func analyzeJob(
        repositoryURL: String, reference: AppDeploymentBuildInput.Reference, subPath: String, commit: String?
    ) -> String {
        let digest = ContentHash.sha256([
            (
                name: "analyze",
                data: [
                    "url": repositoryURL, "ref": Self.key(reference), "subPath": subPath, "commit": commit ?? "",
                ]
            )
        ])
        return BoundedName.make(app, suffix: "analyze-\(digest.prefix(Self.analyzeDigestLength))")
    }

    /// `<app>-poll-<slot>`, slot = whole seconds since 1970 divided by the interval: one poll Job
    /// per interval.
    public func pollJob(now: Date, intervalSeconds: Int) -> String {
        BoundedName.make(app, suffix: "poll-\(Self.pollSlot(now: now, intervalSeconds: intervalSeconds))")
    }

    /// The interval slot `now` falls in (intervals below 1 second count as 1).
    public static func pollSlot(now: Date, intervalSeconds: Int) -> Int64 {
        let seconds = now.timeIntervalSince1970.rounded(.down)
        let whole = seconds.isFinite && seconds > 0 && seconds < 9.0e15 ? Int64(seconds) : 0
        return whole / Int64(max(intervalSeconds, 1))
    }

    /// `<app>-build-<commit 12>-<6 hex>` of the Dockerfile (its text, or the repository path),
    /// the sub-path, the builder, its image and the output image: the build Job and, for a
    /// generated Dockerfile, its ConfigMap.
    public func buildJob(
        commit: String, dockerfile: AppDeploymentBuildInput.Dockerfile, subPath: String,
        builder: AppDeploymentBuildInput.Builder, builderImage: String, image: String
    ) -> String {
        let dockerfileKey: String =
            switch dockerfile {
            case .generated(let text): "generated:\(text)"
            case .repository(let path): "repository:\(path)"
            }
        let digest = ContentHash.sha256([
            (
                name: "build",
                data: [
                    "dockerfile": dockerfileKey, "subPath": subPath, "builder": builder.rawValue,
                    "builderImage": builderImage, "image": image,
                ]
            )
        ])
        return BoundedName.make(
            app, suffix: "build-\(commit.prefix(Self.commitLength))-\(digest.prefix(Self.buildDigestLength))")
    }

    /// The copy of the git Secret: `<app>-git`.
    public var gitSecret: String { BoundedName.make(app, suffix: "git") }
    /// The copy of the push Secret: `<app>-push`.
    public var pushSecret: String { BoundedName.make(app, suffix: "push") }

    private static func key(_ reference: AppDeploymentBuildInput.Reference) -> String {
        switch reference {
        case .head: "head"
        case .branch(let b): "branch:\(b)"
        case .tag(let t): "tag:\(t)"
        case .commit(let c): "commit:\(c)"
        }
    }
}

extension AppDeploymentBuildInput {
    /// The analyse Job's name for this source at `commit` (`nil`: the reference's head).
    public func analyzeJobName(commit: String? = nil) -> String {
        names.analyzeJob(repositoryURL: repositoryURL, reference: reference, subPath: normalizedSubPath, commit: commit)
    }

    /// The poll Job's name for the interval slot of `now`.
    public func pollJobName(now: Date, intervalSeconds: Int) -> String {
        names.pollJob(now: now, intervalSeconds: intervalSeconds)
    }

    /// The build Job's (and generated Dockerfile ConfigMap's) name for `commit`.
    public func buildJobName(commit: String, dockerfile: Dockerfile) -> String {
        names.buildJob(
            commit: commit, dockerfile: dockerfile, subPath: normalizedSubPath, builder: builder,
            builderImage: effectiveBuilderImage, image: image(commit: commit))
    }
}
