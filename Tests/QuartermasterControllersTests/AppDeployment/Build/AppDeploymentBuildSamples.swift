import Foundation
import KubeCore

@testable import QuartermasterControllers

enum AppDeploymentBuildSamples {
    static let commitA = "3f2c1a9b0c1d" + String(repeating: "a", count: 28)
    static let commitB = "9e8d7c6b5a49" + String(repeating: "b", count: 28)
    static let digest = "sha256:" + String(repeating: "c", count: 64)
    static let operatorImage = "ghcr.io/quartermaster/operator:1.0"
    static let dockerfileText = "FROM node:20-bookworm-slim\nUSER 10001\nCMD [\"node\", \"server.js\"]\n"

    static func input(_ change: (inout AppDeploymentBuildInput) -> Void = { _ in }) -> AppDeploymentBuildInput {
        var input = AppDeploymentBuildInput(
            app: "web", namespace: "acme", buildNamespace: "acme-build",
            repositoryURL: "https://github.com/acme/web.git", reference: .branch("main"),
            outputRepository: "registry.example.com/acme/web", operatorImage: operatorImage)
        change(&input)
        return input
    }
}
