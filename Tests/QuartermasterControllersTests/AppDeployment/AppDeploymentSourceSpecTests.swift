import Foundation
import KubeCore
import SourceBuild
import Testing

@testable import QuartermasterControllers

/// `spec.source`, `spec.build` and the status additions of issue 14 decode as the contract
/// writes them, fill the schema's defaults, keep unknown enum values as findings, and are
/// bounded in the schema.
@Suite struct AppDeploymentSourceSpecTests {
    static let commit = "3f2c1a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"

    @Test func omittedSourceAndBuildFieldsTakeTheDocumentedDefaults() throws {
        let spec = try AppDeploymentSpecTests.decode(#"{"source":{"git":{"url":"https://github.com/acme/web.git"}}}"#).spec
        #expect(spec.image == "")
        let source = try #require(spec.source)
        #expect(source.git == AppDeploymentSpec.Git(url: "https://github.com/acme/web.git"))
        #expect(source.git.branch == nil && source.git.tag == nil && source.git.commit == nil)
        #expect(source.git.subPath == "" && source.git.secretName == nil && source.follow == nil)
        #expect(spec.build == nil)
        let build = spec.effectiveBuild
        #expect(build.strategy == .auto && build.dockerfilePath == "Dockerfile" && build.builder == .kaniko)
        #expect(build.builderImage == nil && build.output == .init() && build.timeoutSeconds == 1800)
        #expect(build.port == nil && build.overrides == nil)
        #expect(build.resources == .init(requests: ["cpu": "500m", "memory": "1Gi"], limits: ["cpu": "2", "memory": "4Gi"]))
        #expect(spec.unrecognizedValues.isEmpty)
        #expect(AppDeploymentValidation.violations(of: spec) == [])

        // An empty build and an empty follow take every default too.
        let empty = try AppDeploymentSpecTests.decode(
            #"{"source":{"git":{"url":"git@github.com:acme/web.git"},"follow":{}},"build":{}}"#).spec
        #expect(empty.build == AppDeploymentSpec.Build())
        #expect(empty.source?.follow == .init(intervalSeconds: 300))
        // A source without git decodes (validation refuses the empty URL).
        let noGit = try AppDeploymentSpecTests.decode(#"{"source":{}}"#).spec
        #expect(noGit.source?.git.url == "")
        #expect(AppDeploymentValidation.violations(of: noGit) == ["spec.source.git.url: a repository URL is required"])
    }

    @Test func theContractsExampleDecodes() throws {
        let spec = try AppDeploymentSpecTests.decode(
            #"""
            {"source":{"git":{"url":"https://github.com/acme/web.git","branch":"main","subPath":"apps/web","secretName":"git-creds"},
                       "follow":{"intervalSeconds":600}},
             "build":{"strategy":"Generated","dockerfilePath":"docker/Dockerfile","builder":"BuildKit","builderImage":"moby/buildkit:v0.17.0-rootless",
                      "output":{"repository":"registry.example.com/acme/web","pushSecretName":"regcred"},"timeoutSeconds":900,"port":3000,
                      "overrides":{"installCommand":"npm ci","buildCommand":"npm run build","startCommand":"node server.js","version":"22"},
                      "resources":{"requests":{"cpu":1,"memory":"2Gi"}}}}
            """#
        ).spec
        let git = try #require(spec.source?.git)
        #expect(git == .init(
            url: "https://github.com/acme/web.git", branch: "main", subPath: "apps/web", secretName: "git-creds"))
        #expect(spec.source?.follow?.intervalSeconds == 600)
        let build = try #require(spec.build)
        #expect(build.strategy == .generated && build.dockerfilePath == "docker/Dockerfile" && build.builder == .buildKit)
        #expect(build.builderImage == "moby/buildkit:v0.17.0-rootless")
        #expect(build.output == .init(repository: "registry.example.com/acme/web", pushSecretName: "regcred"))
        #expect(build.timeoutSeconds == 900 && build.port == 3000)
        #expect(build.overrides == BuildOverrides(
            installCommand: "npm ci", buildCommand: "npm run build", startCommand: "node server.js", version: "22"))
        #expect(build.resources.requests == ["cpu": "1", "memory": "2Gi"] && build.resources.limits == nil)
        #expect(AppDeploymentValidation.violations(of: spec) == [])
        // Encoding and decoding again gives the same spec; the empty image is not encoded (the
        // schema's minLength would refuse "").
        let json = try KubeJSON.encode(spec)
        #expect(try KubeJSON.decode(AppDeploymentSpec.self, from: json) == spec)
        #expect(!String(decoding: json, as: UTF8.self).contains(#""image""#))
        #expect(String(decoding: try KubeJSON.encode(AppDeploymentSpec(image: "a")), as: UTF8.self).contains(#""image":"a""#))
    }

    @Test(arguments: [
        (#"{"source":{"git":{"url":"https://h/r"}},"build":{"strategy":"Buildpacks"}}"#, "spec.build.strategy: unknown value \"Buildpacks\""),
        (#"{"source":{"git":{"url":"https://h/r"}},"build":{"builder":"Docker"}}"#, "spec.build.builder: unknown value \"Docker\""),
    ])
    func unknownBuildEnumValuesDecodeAndAreFindings(spec: String, message: String) throws {
        let deployment = try AppDeploymentSpecTests.decode(spec)
        #expect(deployment.spec.unrecognizedValues.count == 1)
        #expect(deployment.spec.unrecognizedValues.first?.hasPrefix(message) == true, "\(deployment.spec.unrecognizedValues)")
        #expect(deployment.spec.build?.strategy == .auto && deployment.spec.build?.builder == .kaniko)
        let problems = AppDeploymentValidation.problems(of: deployment)
        #expect(problems.map(\.reason) == [.invalidSpec])
        #expect(problems.first?.message.contains(message) == true)
    }

    /// The schema's defaults are the Swift defaults (one fact: if one changes, this fails).
    @Test func schemaDefaultsAreTheDecodingDefaults() throws {
        let schema = AppDeploymentSpec.schema
        let build = AppDeploymentSpec.Build()
        #expect(schema.property(at: "source.git.subPath")?.defaultValue == .string(AppDeploymentSpec.Git(url: "u").subPath))
        #expect(schema.property(at: "source.follow.intervalSeconds")?.defaultValue == .int(Int64(AppDeploymentSpec.Follow().intervalSeconds)))
        #expect(schema.property(at: "build.strategy")?.defaultValue == .string(build.strategy.rawValue))
        #expect(schema.property(at: "build.dockerfilePath")?.defaultValue == .string(build.dockerfilePath))
        #expect(schema.property(at: "build.builder")?.defaultValue == .string(build.builder.rawValue))
        #expect(schema.property(at: "build.timeoutSeconds")?.defaultValue == .int(Int64(build.timeoutSeconds)))
        #expect(schema.property(at: "build.output")?.defaultValue == .object([:]))
        let resources = try #require(schema.property(at: "build.resources")?.defaultValue)
        #expect(try KubeJSON.decode(AppDeploymentSpec.ResourceRequirements.self, from: KubeJSON.encode(resources)) == build.resources)
        #expect(schema.property(at: "build.strategy")?.enumValues == ["Auto", "Dockerfile", "Generated"])
        #expect(schema.property(at: "build.builder")?.enumValues == ["Kaniko", "BuildKit"])
        #expect(schema.property(at: "source")?.required == ["git"])
        #expect(schema.property(at: "source.git")?.required == ["url"])
        // The contract's bounds.
        #expect(schema.property(at: "source.git.url")?.maxLength == 512)
        #expect(schema.property(at: "source.follow.intervalSeconds")?.minimum == 60)
        #expect(schema.property(at: "source.follow.intervalSeconds")?.maximum == 86400)
        #expect(schema.property(at: "build.timeoutSeconds")?.minimum == 60)
        #expect(schema.property(at: "build.timeoutSeconds")?.maximum == 7200)
        #expect(schema.property(at: "build.port")?.maximum == 65535)
    }

    /// The schema's patterns accept what validation accepts and refuse what it refuses.
    @Test(arguments: [
        ("source.git.commit", Self.commit, true), ("source.git.commit", "3F2C", false),
        ("source.git.branch", "main", true), ("source.git.branch", "feature/x-1", true),
        ("source.git.branch", "-upload-pack=x", false), ("source.git.branch", "a b", false), ("source.git.tag", "v1.2.0", true),
        ("source.git.subPath", "", true), ("source.git.subPath", "apps/web", true), ("source.git.subPath", "/etc", false),
        ("source.git.url", "https://github.com/acme/web.git", true), ("source.git.url", "--config=x", false),
        ("build.dockerfilePath", "Dockerfile", true), ("build.dockerfilePath", "/Dockerfile", false),
        ("build.output.repository", "registry.example.com:5000/acme/web", true), ("build.output.repository", "web@sha256:x", false),
        ("build.overrides.version", "3.12", true), ("build.overrides.version", "20; rm", false),
    ])
    func schemaPatterns(path: String, value: String, accepted: Bool) throws {
        let node = try #require(AppDeploymentSpec.schema.property(at: path))
        let pattern = try #require(node.pattern)
        #expect((value.range(of: pattern, options: .regularExpression) != nil) == accepted, "\(path) \(value)")
    }

    @Test func statusRoundTripsWithSourceAnalysisAndBuild() throws {
        let digest = "sha256:" + String(repeating: "b", count: 64)
        let status = AppDeploymentStatus(
            observedGeneration: 2, phase: .building,
            history: [
                .init(revision: 1, image: "registry.example.com/acme/web:\(Self.commit)", digest: digest,
                      templateHash: "0123456789abcdef", outcome: .healthy, commit: Self.commit)
            ],
            progress: 30,
            source: .init(url: "https://github.com/acme/web.git", ref: "branch main", commit: Self.commit, polledAt: "2026-12-03T10:00:00Z"),
            analysis: SourceAnalysis(language: .node, framework: "express", version: "20", packageManager: "npm",
                                     installCommand: "npm ci", startCommand: "node server.js", port: 3000, env: ["PORT"]),
            build: .init(commit: Self.commit, image: "registry.example.com/acme/web:\(Self.commit)", digest: digest,
                         namespace: "acme-build", job: "web-build-3f2c1a9b0c1d-a1b2c3", phase: .failed,
                         startTime: "2026-12-03T10:01:00Z", completionTime: "2026-12-03T10:05:00Z",
                         reason: .pushFailed, message: "denied"))
        let json = try KubeJSON.encode(status)
        #expect(try KubeJSON.decode(AppDeploymentStatus.self, from: json) == status)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""progress":30"#) && text.contains(#""reason":"PushFailed""#) && text.contains(#""language":"node""#))
        #expect(text.contains(#""commit":"\#(Self.commit)""#))
        #expect(AppDeploymentStatus.BuildStatus.Phase.allCases.map(\.rawValue) == ["Pending", "Running", "Succeeded", "Failed"])
        #expect(AppDeploymentStatus.BuildStatus.Reason.allCases.map(\.rawValue) == [
            "BuildFailed", "DeadlineExceeded", "AnalysisFailed", "CloneFailed", "PushFailed", "DigestMissing",
        ])
        #expect(AppDeploymentStatus.ConditionType.built == "Built")
        // An image deploy's status has none of them.
        let plain = String(decoding: try KubeJSON.encode(AppDeploymentStatus(phase: .exposed)), as: UTF8.self)
        #expect(!plain.contains("source") && !plain.contains("analysis") && !plain.contains("build"))
    }

    @Test(arguments: [
        (AppDeploymentSpec.Git(url: "u", branch: "main"), "branch main"),
        (AppDeploymentSpec.Git(url: "u", tag: "v1"), "tag v1"),
        (AppDeploymentSpec.Git(url: "u", commit: Self.commit), "commit \(Self.commit)"),
        (AppDeploymentSpec.Git(url: "u"), "HEAD"),
    ])
    func theRefIsWrittenAsTheContractSays(git: AppDeploymentSpec.Git, ref: String) {
        #expect(AppDeploymentStatus.SourceStatus.ref(of: git) == ref)
    }

    /// Every string of the new status fields is bounded, and the status schema names them.
    @Test func statusAdditionsAreBoundedInTheSchema() throws {
        let schema = AppDeploymentStatus.schema
        var unbounded: [String] = []
        let historyCommit = try #require(schema.property(at: "history")?.items?.value.property(at: "commit"))
        #expect(historyCommit.maxLength == 40)
        for root in ["source", "analysis", "build", "progress"] {
            let node = try #require(schema.property(at: root), "\(root)")
            for (path, child) in node.allNodes(path: root) {
                switch child.type {
                case "string" where child.maxLength == nil && child.enumValues == nil: unbounded.append(path)
                case "integer" where child.maximum == nil: unbounded.append(path)
                case "array" where child.maxItems == nil: unbounded.append(path)
                default: break
                }
            }
        }
        #expect(unbounded == [])
        #expect(schema.property(at: "progress")?.maximum == 100 && schema.property(at: "progress")?.minimum == 0)
        #expect(schema.property(at: "build.message")?.maxLength == 1024)
        #expect(schema.property(at: "analysis.language")?.enumValues == SourceLanguage.allCases.map(\.rawValue))
        #expect(schema.property(at: "build")?.required == ["commit", "image", "namespace", "job", "phase"])
    }
}
