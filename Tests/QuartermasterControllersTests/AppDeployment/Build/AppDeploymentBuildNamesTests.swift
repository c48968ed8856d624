import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct AppDeploymentBuildNamesTests {
    typealias S = AppDeploymentBuildSamples

    @Test func boundedNameKeepsShortNamesAndShortensLongOnes() {
        struct Row {
            var base: String
            var suffix: String
            var expected: String?
        }
        let long = String(repeating: "a", count: 52)
        let rows = [
            Row(base: "web", suffix: "git", expected: "web-git"),
            Row(base: String(repeating: "x", count: 59), suffix: "git", expected: String(repeating: "x", count: 59) + "-git"),
            Row(base: long, suffix: "analyze-0123abcd", expected: nil),
            Row(base: String(repeating: "b", count: 40) + "-" + String(repeating: "c", count: 11), suffix: "build-3f2c1a9b0c1d-a1b2c3", expected: nil),
        ]
        for row in rows {
            let name = BoundedName.make(row.base, suffix: row.suffix)
            #expect(name.count <= 63, "\(name)")
            #expect(name.hasSuffix("-" + row.suffix), "\(name)")
            #expect(name.first != "-", "\(name)")
            if let expected = row.expected { #expect(name == expected) }
        }
        // Two long bases sharing their first characters stay apart.
        let a = BoundedName.make(long + "-one", suffix: "analyze-0123abcd")
        let b = BoundedName.make(long + "-two", suffix: "analyze-0123abcd")
        #expect(a != b && a.count == 63 && b.count == 63)
        #expect(BoundedName.make(long, suffix: "git") == long + "-git")
        // The tenant build namespace's rule: the first 50 characters, 6 hex of SHA-256, "-build".
        let namespace = String(repeating: "n", count: 60)
        #expect(BoundedName.make(namespace, suffix: "build") == String(repeating: "n", count: 50) + "-fb886b-build")
    }

    @Test func namesHaveTheContractsShape() {
        let input = S.input()
        #expect(input.analyzeJobName().wholeMatch(of: /web-analyze-[0-9a-f]{8}/) != nil)
        let build = input.buildJobName(commit: S.commitA, dockerfile: .generated(S.dockerfileText))
        #expect(build.wholeMatch(of: /web-build-3f2c1a9b0c1d-[0-9a-f]{6}/) != nil)
        let now = Date(timeIntervalSince1970: 1_764_759_700)
        #expect(input.pollJobName(now: now, intervalSeconds: 300) == "web-poll-5882532")
        #expect(input.pollJobName(now: now.addingTimeInterval(99), intervalSeconds: 300) == "web-poll-5882532")
        #expect(input.pollJobName(now: now.addingTimeInterval(300), intervalSeconds: 300) == "web-poll-5882533")
        #expect(input.names.gitSecret == "web-git" && input.names.pushSecret == "web-push")
    }

    @Test func everyInputThatChangesTheJobChangesItsName() {
        let base = S.input()
        let analyze = base.analyzeJobName()
        let changed: [AppDeploymentBuildInput] = [
            S.input { $0.repositoryURL = "https://github.com/acme/api.git" },
            S.input { $0.reference = .tag("v1") },
            S.input { $0.reference = .head },
            S.input { $0.subPath = "apps/web" },
        ]
        for input in changed { #expect(input.analyzeJobName() != analyze) }
        #expect(base.analyzeJobName(commit: S.commitA) != analyze)
        #expect(base.analyzeJobName(commit: S.commitA) != base.analyzeJobName(commit: S.commitB))
        // Inputs the analysis does not depend on keep the name.
        #expect(S.input { $0.builder = .buildKit; $0.timeoutSeconds = 60 }.analyzeJobName() == analyze)
        #expect(S.input { $0.subPath = "/" }.analyzeJobName() == analyze, "a sub-path of / is the root")

        let generated = AppDeploymentBuildInput.Dockerfile.generated(S.dockerfileText)
        let build = base.buildJobName(commit: S.commitA, dockerfile: generated)
        #expect(build == base.buildJobName(commit: S.commitA, dockerfile: generated), "deterministic")
        let builds = [
            base.buildJobName(commit: S.commitB, dockerfile: generated),
            base.buildJobName(commit: S.commitA, dockerfile: .generated(S.dockerfileText + "EXPOSE 3000\n")),
            base.buildJobName(commit: S.commitA, dockerfile: .repository(path: "Dockerfile")),
            S.input { $0.builder = .buildKit }.buildJobName(commit: S.commitA, dockerfile: generated),
            S.input { $0.builderImage = "gcr.io/kaniko-project/executor:v1.24.0" }.buildJobName(commit: S.commitA, dockerfile: generated),
            S.input { $0.outputRepository = "registry.example.com/acme/other" }.buildJobName(commit: S.commitA, dockerfile: generated),
            S.input { $0.subPath = "apps/web" }.buildJobName(commit: S.commitA, dockerfile: generated),
        ]
        #expect(Set(builds + [build]).count == builds.count + 1)
        // The reference does not matter to a build of one commit; an empty builder image is the default.
        #expect(S.input { $0.reference = .tag("v1") }.buildJobName(commit: S.commitA, dockerfile: generated) == build)
        #expect(S.input { $0.builderImage = "" }.buildJobName(commit: S.commitA, dockerfile: generated) == build)
    }

    @Test func longAppNamesStayWithin63() {
        let app = String(repeating: "a", count: 52)  // the schema's longest Deployment name
        let input = S.input { $0.app = app }
        let names = [
            input.analyzeJobName(), input.analyzeJobName(commit: S.commitA),
            input.pollJobName(now: Date(timeIntervalSince1970: 4_000_000_000), intervalSeconds: 60),
            input.buildJobName(commit: S.commitA, dockerfile: .repository(path: "Dockerfile")),
            input.names.gitSecret, input.names.pushSecret,
        ]
        for name in names {
            #expect(name.count <= 63, "\(name)")
            #expect(name.wholeMatch(of: /[a-z0-9]([-a-z0-9]*[a-z0-9])?/) != nil, "\(name)")
        }
        #expect(input.buildJobName(commit: S.commitA, dockerfile: .repository(path: "Dockerfile")).contains("-build-3f2c1a9b0c1d-"))
    }

    @Test func referencesImagesAndStepLabels() {
        let rows: [(AppDeploymentBuildInput.Reference, String, Bool)] = [
            (.head, "HEAD", true), (.branch("main"), "branch main", true), (.tag("v1.2.0"), "tag v1.2.0", false),
            (.commit(S.commitA), "commit \(S.commitA)", false),
        ]
        for (reference, text, moving) in rows {
            #expect(reference.statusText == text)
            #expect(reference.isMoving == moving)
        }
        let input = S.input()
        #expect(input.image(commit: S.commitA) == "registry.example.com/acme/web:\(S.commitA)")
        #expect(input.pinnedImage(digest: S.digest) == "registry.example.com/acme/web@\(S.digest)")
        #expect(AppDeploymentImage(input.pinnedImage(digest: S.digest))?.digest == S.digest)
        let job = AppDeploymentBuildObjects.pollJob(input, now: Date(timeIntervalSince1970: 0), intervalSeconds: 60)
        #expect(AppDeploymentBuildLabels.step(of: job.metadata.labels) == .poll)
        #expect(AppDeploymentBuildLabels.step(of: ["quartermaster.dev/build-step": "deploy"]) == nil)
        #expect(AppDeploymentBuildLabels.step(of: nil) == nil)
    }
}
