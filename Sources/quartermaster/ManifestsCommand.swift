import ArgumentParser
import Foundation
import QuartermasterControllers

/// `quartermaster manifests --root <dir>`: writes every file generated from the operator's kinds
/// (`GeneratedManifests`: CRDs, RBAC roles, the chart's copies, the GitOps health checks) under a
/// repository root, and deletes generated-only files that no kind produces any more; with
/// `--check`, only reports what differs.
struct ManifestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests",
        abstract: "Write the CRDs, RBAC roles, chart copies and GitOps health checks generated from the kinds.")

    @Option(help: "Repository root to write under (it must hold gitops/argocd/health.lua).")
    var root: String

    @Flag(help: "Write nothing; list the files that differ from a fresh generation and fail if any does.")
    var check = false

    func run() throws {
        let rootURL = URL(fileURLWithPath: root)
        let files = try GeneratedManifests.files(root: rootURL)
        if check {
            let drift = GeneratedManifests.drift(under: rootURL, generated: files)
            for path in drift { print("out of date: \(path)") }
            if !drift.isEmpty { throw ExitCode.failure }
            print("\(files.count) generated files up to date")
            return
        }
        for file in files {
            let url = rootURL.appendingPathComponent(file.path)
            if (try? String(contentsOf: url, encoding: .utf8)) == file.text { continue }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url)
            print("wrote \(file.path)")
        }
        for stray in GeneratedManifests.strayFiles(under: rootURL, generated: files) {
            try FileManager.default.removeItem(at: rootURL.appendingPathComponent(stray))
            print("removed \(stray)")
        }
        print("\(files.count) generated files up to date")
    }
}
