import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct AppDeploymentBuildInputTests {
    typealias S = AppDeploymentBuildSamples
    static let images = AppDeploymentBuildInput.OperatorImages(operatorImage: S.operatorImage)

    func input(_ spec: AppDeploymentSpec, images: AppDeploymentBuildInput.OperatorImages = images) throws -> AppDeploymentBuildInput? {
        try AppDeploymentBuildInput.from(
            app: "web", namespace: "acme", spec: spec, buildNamespace: "acme-build",
            outputRepository: "registry.example.com/acme/web", images: images)
    }

    @Test func anImageDeployHasNoBuildInput() throws {
        #expect(try input(AppDeploymentSpec(image: "ghcr.io/acme/web:1.4")) == nil)
    }

    @Test func aSourceWithEveryDefault() throws {
        let spec = AppDeploymentSpec(source: .init(git: .init(url: "https://github.com/acme/web.git")))
        let input = try #require(try input(spec))
        #expect(input == AppDeploymentBuildInput(
            app: "web", namespace: "acme", buildNamespace: "acme-build", repositoryURL: "https://github.com/acme/web.git",
            reference: .head, outputRepository: "registry.example.com/acme/web",
            builderImage: "gcr.io/kaniko-project/executor:v1.23.2", operatorImage: S.operatorImage))
        #expect(input.timeoutSeconds == 1800 && input.builder == .kaniko && input.gitImage == "docker.io/alpine/git:v2.47.2")
        #expect(input.resources == ResourceRequirements(limits: ["cpu": "2", "memory": "4Gi"], requests: ["cpu": "500m", "memory": "1Gi"]))
        #expect(input.allowFileURLs == false)
    }

    @Test func everySpecFieldReachesTheInput() throws {
        let spec = AppDeploymentSpec(
            source: .init(
                git: .init(url: "ssh://git@github.com/acme/mono.git", branch: "main", subPath: "apps/web", secretName: "git-creds"),
                follow: .init(intervalSeconds: 600)),
            build: .init(
                builder: .buildKit, output: .init(repository: "registry.example.com/acme/web", pushSecretName: "regcred"),
                timeoutSeconds: 900, resources: .init(requests: ["cpu": "1", "memory": "2Gi"], limits: ["cpu": "4", "memory": "8Gi"])))
        let images = AppDeploymentBuildInput.OperatorImages(
            operatorImage: S.operatorImage, gitImage: "mirror.example.com/git:2", kanikoImage: "mirror.example.com/kaniko:1",
            buildkitImage: "mirror.example.com/buildkit:rootless", allowFileSources: true)
        let input = try #require(try input(spec, images: images))
        #expect(input.repositoryURL == "ssh://git@github.com/acme/mono.git" && input.reference == .branch("main"))
        #expect(input.subPath == "apps/web" && input.gitSecretName == "git-creds" && input.pushSecretName == "regcred")
        #expect(input.builder == .buildKit && input.effectiveBuilderImage == "mirror.example.com/buildkit:rootless")
        #expect(input.timeoutSeconds == 900 && input.gitImage == "mirror.example.com/git:2" && input.allowFileURLs)
        #expect(input.resources == ResourceRequirements(limits: ["cpu": "4", "memory": "8Gi"], requests: ["cpu": "1", "memory": "2Gi"]))
        // The spec's builder image wins over the operator's; an empty one does not.
        var custom = spec
        custom.build?.builderImage = "registry.example.com/tools/buildkit:v0.17.0-rootless"
        #expect(try self.input(custom, images: images)?.effectiveBuilderImage == "registry.example.com/tools/buildkit:v0.17.0-rootless")
        custom.build?.builderImage = ""
        #expect(try self.input(custom, images: images)?.effectiveBuilderImage == "mirror.example.com/buildkit:rootless")
    }

    @Test func referencesFromTheSpec() {
        let rows: [(AppDeploymentSpec.Git, AppDeploymentBuildInput.Reference)] = [
            (.init(url: "u"), .head),
            (.init(url: "u", branch: "main"), .branch("main")),
            (.init(url: "u", tag: "v1"), .tag("v1")),
            (.init(url: "u", commit: S.commitA), .commit(S.commitA)),
            (.init(url: "u", branch: ""), .head),
        ]
        for (git, reference) in rows { #expect(AppDeploymentBuildInput.reference(git) == reference) }
    }

    @Test func anUnparsableBuilderQuantityIsNamed() {
        let spec = AppDeploymentSpec(
            source: .init(git: .init(url: "https://github.com/acme/web.git")),
            build: .init(resources: .init(requests: ["cpu": "lots"], limits: ["memory": "4Gi"])))
        #expect(throws: AppDeploymentSpec.ResourceRequirements.UnparsableQuantity(field: "requests.cpu")) { try input(spec) }
    }

    @Test func builderDefaultsAreTheOperatorsDefaults() {
        #expect(AppDeploymentBuildInput.Builder.kaniko.defaultImage == ControllerSettings.defaultKanikoImage)
        #expect(AppDeploymentBuildInput.Builder.buildKit.defaultImage == ControllerSettings.defaultBuildkitImage)
        #expect(S.input { $0.builder = .buildKit }.effectiveBuilderImage == "moby/buildkit:v0.16.0-rootless")
    }
}
