import Foundation
import KubeCore
import KubeRuntime
import SourceBuild
import Testing

@testable import QuartermasterControllers

/// The source rules of issue 14 (`AppDeploymentValidation` → `AppDeploymentSourceValidation`)
/// as a table, the `file://` allowance, the webhook refusing the same, and the tenant policy
/// judging the output repository.
@Suite struct AppDeploymentSourceValidationTests {
    static let commit = "3f2c1a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"

    static func spec(_ change: (inout AppDeploymentSpec) -> Void) -> AppDeploymentSpec {
        var spec = AppDeploymentSpec(source: .init(git: .init(url: "https://github.com/acme/web.git")))
        change(&spec)
        return spec
    }

    /// (case, spec, the findings' beginnings; empty: valid)
    static let table: [(String, AppDeploymentSpec, [String])] = [
        ("https", spec { _ in }, []),
        ("https with a user", spec { $0.source?.git.url = "https://oauth2@github.com/acme/web.git" }, []),
        ("ssh", spec { $0.source?.git.url = "ssh://git@github.com:22/acme/web.git" }, []),
        ("scp-like", spec { $0.source?.git.url = "git@github.com:acme/web.git" }, []),
        ("neither image nor source", AppDeploymentSpec(), ["spec.image: an image is required"]),
        ("both image and source", spec { $0.image = "ghcr.io/acme/web:1" }, ["spec: image and source are both set"]),
        ("build without source", AppDeploymentSpec(image: "ghcr.io/acme/web:1", build: .init()),
         ["spec.build: applies to spec.source, which is not set"]),
        ("empty URL", spec { $0.source?.git.url = "" }, ["spec.source.git.url: a repository URL is required"]),
        ("http", spec { $0.source?.git.url = "http://github.com/acme/web.git" }, ["spec.source.git.url: \"http://github.com/acme/web.git\" is refused"]),
        ("git protocol", spec { $0.source?.git.url = "git://github.com/acme/web.git" }, ["spec.source.git.url:"]),
        ("ext transport", spec { $0.source?.git.url = "ext::sh -c touch% /tmp/x" }, ["spec.source.git.url: contains whitespace"]),
        ("ext transport without spaces", spec { $0.source?.git.url = "ext::id" }, ["spec.source.git.url:"]),
        ("file without the allowance", spec { $0.source?.git.url = "file:///srv/repo" },
         ["spec.source.git.url: file:// URLs are accepted only when the operator runs with --allow-file-sources"]),
        ("a path", spec { $0.source?.git.url = "/srv/repo" }, ["spec.source.git.url: \"/srv/repo\" is refused"]),
        ("an option", spec { $0.source?.git.url = "--upload-pack=touch" }, ["spec.source.git.url: must not start with '-'"]),
        ("a password", spec { $0.source?.git.url = "https://alice:s3cret@github.com/acme/web.git" },
         ["spec.source.git.url: \"https://alice:***@github.com/acme/web.git\" carries a password"]),
        ("a token as password over ssh", spec { $0.source?.git.url = "ssh://git:tok@host/r.git" }, ["spec.source.git.url:"]),
        ("ssh host as an option", spec { $0.source?.git.url = "ssh://-oProxyCommand=x/r.git" },
         ["spec.source.git.url: \"ssh://-oProxyCommand=x/r.git\" names no host"]),
        ("scp-like host as an option", spec { $0.source?.git.url = "git@-oProxyCommand=x:r.git" },
         ["spec.source.git.url: \"git@-oProxyCommand=x:r.git\" is not user@host:path"]),
        ("no host", spec { $0.source?.git.url = "https:///acme/web.git" }, ["spec.source.git.url: \"https:///acme/web.git\" names no host"]),
        ("scp-like without path", spec { $0.source?.git.url = "git@github.com:" }, ["spec.source.git.url:"]),
        ("a bare word", spec { $0.source?.git.url = "github.com/acme/web" }, ["spec.source.git.url: \"github.com/acme/web\" is not a repository URL"]),
        ("too long", spec { $0.source?.git.url = "https://h/" + String(repeating: "a", count: 600) }, ["spec.source.git.url: 610 characters"]),
        ("branch", spec { $0.source?.git.branch = "main" }, []),
        ("tag", spec { $0.source?.git.tag = "v1.2.0" }, []),
        ("commit", spec { $0.source?.git.commit = commit }, []),
        ("branch and tag", spec { $0.source?.git.branch = "main"; $0.source?.git.tag = "v1" },
         ["spec.source.git: branch and tag are set; at most one of branch, tag and commit"]),
        ("all three refs", spec { $0.source?.git.branch = "main"; $0.source?.git.tag = "v1"; $0.source?.git.commit = commit },
         ["spec.source.git: branch and tag and commit are set"]),
        ("short commit", spec { $0.source?.git.commit = "3f2c1a9" }, ["spec.source.git.commit: \"3f2c1a9\" is not a commit"]),
        ("branch as an option", spec { $0.source?.git.branch = "--upload-pack=x" }, ["spec.source.git.branch: \"--upload-pack=x\" must not start with '-'"]),
        ("branch with ..", spec { $0.source?.git.branch = "a..b" }, ["spec.source.git.branch: \"a..b\" is not a git ref name"]),
        ("tag with a space", spec { $0.source?.git.tag = "v 1" }, ["spec.source.git.tag: \"v 1\" is not a git ref name"]),
        ("follow a branch", spec { $0.source?.git.branch = "main"; $0.source?.follow = .init() }, []),
        ("follow HEAD", spec { $0.source?.follow = .init(intervalSeconds: 60) }, []),
        ("follow a tag", spec { $0.source?.git.tag = "v1"; $0.source?.follow = .init() },
         ["spec.source.follow: needs a branch or no ref (the remote's HEAD); a tag does not move"]),
        ("follow a commit", spec { $0.source?.git.commit = commit; $0.source?.follow = .init() },
         ["spec.source.follow: needs a branch or no ref (the remote's HEAD); a commit does not move"]),
        ("follow too often", spec { $0.source?.follow = .init(intervalSeconds: 59) },
         ["spec.source.follow.intervalSeconds: 59 is outside 60...86400"]),
        ("subPath", spec { $0.source?.git.subPath = "apps/web" }, []),
        ("subPath with a dotted name", spec { $0.source?.git.subPath = "apps/..web/x..y" }, []),
        ("absolute subPath", spec { $0.source?.git.subPath = "/etc" }, ["spec.source.git.subPath: \"/etc\" is absolute"]),
        ("subPath leaving", spec { $0.source?.git.subPath = "apps/../../etc" }, ["spec.source.git.subPath: \"apps/../../etc\" leaves its directory"]),
        ("subPath ..", spec { $0.source?.git.subPath = ".." }, ["spec.source.git.subPath: \"..\" leaves its directory"]),
        ("full build", spec {
            $0.build = .init(
                strategy: .dockerfile, dockerfilePath: "docker/Dockerfile.prod", builder: .buildKit,
                builderImage: "moby/buildkit:v0.16.0-rootless",
                output: .init(repository: "registry.example.com:5000/acme/web", pushSecretName: "regcred"),
                timeoutSeconds: 7200, port: 3000,
                overrides: BuildOverrides(installCommand: "npm ci", startCommand: "node server.js", version: "20"))
        }, []),
        ("dockerfilePath leaving", spec { $0.build = .init(dockerfilePath: "../Dockerfile") },
         ["spec.build.dockerfilePath: \"../Dockerfile\" leaves its directory"]),
        ("empty dockerfilePath", spec { $0.build = .init(dockerfilePath: "") }, ["spec.build.dockerfilePath: a relative path is required"]),
        ("build bounds", spec { $0.build = .init(timeoutSeconds: 59, port: 0) },
         ["spec.build.timeoutSeconds: 59 is outside 60...7200", "spec.build.port: 0 is outside 1...65535"]),
        ("repository with a tag", spec { $0.build = .init(output: .init(repository: "registry.example.com/acme/web:1")) },
         ["spec.build.output.repository: \"registry.example.com/acme/web:1\" has a tag or digest"]),
        ("repository not an image", spec { $0.build = .init(output: .init(repository: "registry.example.com//web")) },
         ["spec.build.output.repository: \"registry.example.com//web\" is not an image repository"]),
        ("builder image not an image", spec { $0.build = .init(builderImage: "a b") }, ["spec.build.builderImage: \"a b\" is not an image reference"]),
        ("empty override", spec { $0.build = .init(overrides: BuildOverrides(startCommand: " ")) },
         ["spec.build.overrides.startCommand: empty"]),
        ("override version", spec { $0.build = .init(overrides: BuildOverrides(version: "20; rm -rf /")) },
         ["spec.build.overrides.version: \"20; rm -rf /\" is not a version"]),
    ]

    @Test(arguments: table.indices)
    func findings(index: Int) {
        let (name, spec, expected) = Self.table[index]
        let found = AppDeploymentValidation.violations(of: spec)
        #expect(found.count == expected.count, "\(name): \(found)")
        for (finding, beginning) in zip(found, expected) {
            #expect(finding.hasPrefix(beginning), "\(name): \(finding) should begin with \(beginning)")
        }
    }

    @Test func fileSourcesOnlyWithTheAllowance() {
        let file = Self.spec { $0.source?.git.url = "file:///tmp/repo"; $0.source?.git.branch = "main" }
        #expect(AppDeploymentValidation.violations(of: file, allowFileSources: false).count == 1)
        #expect(AppDeploymentValidation.violations(of: file, allowFileSources: true) == [])
        // The allowance is about file:// only: other schemes stay refused.
        let http = Self.spec { $0.source?.git.url = "http://h/r.git" }
        #expect(AppDeploymentValidation.violations(of: http, allowFileSources: true).count == 1)
        var deployment = AppDeployment(metadata: ObjectMeta(name: "web", namespace: "acme"), spec: file)
        deployment.metadata.uid = "u"
        #expect(AppDeploymentValidation.problems(of: deployment).map(\.reason) == [.invalidSpec])
        #expect(AppDeploymentValidation.problems(of: deployment, allowFileSources: true) == [])
    }

    @Test(arguments: [
        ("https://alice:s3cret@github.com/acme/web.git", "https://alice:***@github.com/acme/web.git"),
        ("https://github.com/acme/web.git", "https://github.com/acme/web.git"),
        ("ssh://git@host/r.git", "ssh://git@host/r.git"),
        ("https://a:b:c@host/p@q", "https://a:***@host/p@q"),
    ])
    func aPasswordIsNeverShown(url: String, shown: String) {
        #expect(AppDeploymentSourceValidation.redacted(url) == shown)
        for finding in AppDeploymentValidation.violations(of: Self.spec { $0.source?.git.url = url }) {
            #expect(!finding.contains("s3cret") && !finding.contains(":b:c"), "\(finding)")
        }
    }

    // MARK: Admission

    static func request(_ spec: String) throws -> AdmissionRequest {
        QuartermasterAdmissionTests.request(AppDeployment.declaration, object: try AppDeploymentValidationTests.object(spec))
    }

    static func verdict(_ spec: String, allowFileSources: Bool = false, tenants: TenantLookup = .none) throws -> AdmissionVerdict {
        let kind = AppDeployment.declaration
        let admission = try #require(kind.admission)
        return QuartermasterAdmission.verdict(
            for: try request(spec), kind: kind.resource, admission: admission, tenants: tenants,
            operatorNamespace: "quartermaster-system", allowFileSources: allowFileSources)
    }

    @Test func admissionRefusesWhatSourceValidationFinds() throws {
        let ok = try Self.verdict(#"{"source":{"git":{"url":"https://github.com/acme/web.git","branch":"main"},"follow":{}}}"#)
        #expect(ok.allowed, "\(ok)")
        let both = try Self.verdict(#"{"image":"ghcr.io/acme/web:1","source":{"git":{"url":"https://github.com/acme/web.git"}}}"#)
        #expect(!both.allowed && both.message?.contains("InvalidSpec: spec: image and source are both set") == true, "\(both)")
        let followTag = try Self.verdict(#"{"source":{"git":{"url":"https://h/r.git","tag":"v1"},"follow":{}}}"#)
        #expect(!followTag.allowed && followTag.message?.contains("InvalidSpec: spec.source.follow:") == true, "\(followTag)")
        let buildOnly = try Self.verdict(#"{"image":"ghcr.io/acme/web:1","build":{}}"#)
        #expect(!buildOnly.allowed && buildOnly.message?.contains("InvalidSpec: spec.build:") == true, "\(buildOnly)")
        let password = try Self.verdict(#"{"source":{"git":{"url":"https://alice:s3cret@h/r.git"}}}"#)
        #expect(!password.allowed && password.message?.contains("s3cret") == false, "\(password)")
    }

    /// The webhook gets the operator's allowance through ``AdmissionInput/allowFileSources``.
    @Test func admissionFollowsTheFileSourceAllowance() async throws {
        let file = #"{"source":{"git":{"url":"file:///tmp/repo.git","branch":"main"}}}"#
        let refused = try Self.verdict(file)
        #expect(!refused.allowed && refused.message?.contains("--allow-file-sources") == true, "\(refused)")
        let allowed = try Self.verdict(file, allowFileSources: true)
        #expect(allowed.allowed, "\(allowed)")
        let routes = QuartermasterAdmission.routes(tenants: .none, operatorNamespace: nil, allowFileSources: true)
        let route = try #require(routes[QuartermasterAdmission.path(AppDeployment.resource)])
        let verdict = await route(try Self.request(file))
        #expect(verdict.allowed, "\(verdict)")
    }

    // MARK: Tenant policy

    @Test func thePolicySubjectNamesTheOutputRepositoryAndBuilderImage() {
        let plain = Self.spec { _ in }.policySubject
        #expect(plain.images == [], "a source deploy without an output repository has no image to judge")
        let full = Self.spec {
            $0.build = .init(builderImage: "moby/buildkit:v0.16.0-rootless", output: .init(repository: "registry.example.com/acme/web"))
        }.policySubject
        #expect(full.images == [
            .init(field: "spec.build.output.repository", reference: "registry.example.com/acme/web"),
            .init(field: "spec.build.builderImage", reference: "moby/buildkit:v0.16.0-rootless"),
        ])
        #expect(AppDeploymentSpec(image: "a").policySubject.images == [.init(field: "spec.image", reference: "a")])
    }

    @Test func theOutputRepositoryMustBeFromAnAllowedRegistry() throws {
        var deployment = AppDeployment(metadata: ObjectMeta(name: "web", namespace: "acme"), spec: Self.spec {
            $0.build = .init(output: .init(repository: "docker.io/evil/web"))
        })
        deployment.metadata.uid = "u"
        let tenant = TenantEnforcement(
            tenant: "acme", suspended: false, policy: TenantPolicy(registries: ["registry.example.com/acme"]))
        let problems = AppDeploymentValidation.problems(of: deployment, tenant: tenant)
        #expect(problems.map(\.reason) == [.policyViolation])
        #expect(problems.first?.message.contains("spec.build.output.repository") == true, "\(problems)")
        deployment.spec.build?.output.repository = "registry.example.com/acme/web"
        #expect(AppDeploymentValidation.problems(of: deployment, tenant: tenant) == [])

        // The webhook refuses the same.
        let namespaces = Store<Namespace>()
        let tenants = Store<Tenant>()
        var acme = Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec())
        acme.metadata.uid = "t-1"
        acme.spec.policy = TenantPolicy(registries: ["registry.example.com/acme"])
        _ = tenants.upsert(acme)
        _ = namespaces.upsert(
            Namespace(metadata: ObjectMeta(name: "acme", labels: [TenantLabels.tenant: "acme"], annotations: [TenantLabels.tenantUID: "t-1"])))
        let lookup = TenantLookup(namespaces: namespaces, tenants: tenants)
        let refused = try Self.verdict(
            #"{"source":{"git":{"url":"https://h/r.git"}},"build":{"output":{"repository":"docker.io/evil/web"}}}"#, tenants: lookup)
        #expect(!refused.allowed && refused.message?.contains("PolicyViolation: spec.build.output.repository") == true, "\(refused)")
        let allowed = try Self.verdict(
            #"{"source":{"git":{"url":"https://h/r.git"}},"build":{"output":{"repository":"registry.example.com/acme/web"}}}"#,
            tenants: lookup)
        #expect(allowed.allowed, "\(allowed)")
    }
}
