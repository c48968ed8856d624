import Foundation
import Testing

@testable import QuartermasterControllers

/// Every file `quartermaster manifests` writes is exactly what a fresh generation gives:
/// regenerate with hack/generate.sh after changing a kind, and never edit them by hand.
@Suite struct GeneratedManifestsDriftTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyGeneratedFileIsUpToDate() throws {
        let files = try GeneratedManifests.files(root: Self.root)
        let drift = GeneratedManifests.drift(under: Self.root, generated: files)
        #expect(drift.isEmpty, "out of date (run hack/generate.sh): \(drift)")
    }

    @Test func everyKindHasItsFiles() throws {
        let paths = Set(try GeneratedManifests.files(root: Self.root).map(\.path))
        for kind in QuartermasterKinds.all {
            #expect(paths.contains("crds/\(kind.crd.fileName)"))
            #expect(paths.contains("charts/quartermaster/crds/\(kind.crd.fileName)"))
        }
        for path in [
            "crds/kustomization.yaml", "config/rbac/role.yaml", "config/rbac/aggregated_roles.yaml",
            "config/rbac/tenant_owner_role.yaml", "charts/quartermaster/templates/clusterrole-manager.yaml",
            "charts/quartermaster/templates/clusterroles-aggregated.yaml",
            "charts/quartermaster/templates/clusterrole-tenant-owner.yaml", ArgoCDHealthPatch.path, FluxHealthChecks.path,
            "config/webhook/validating_webhook_configuration.yaml", "config/rbac/webhook_role.yaml",
            "charts/quartermaster/templates/validatingwebhookconfiguration.yaml",
            "charts/quartermaster/templates/webhook-rbac.yaml", QuartermasterAlerts.ruleFilePath,
            QuartermasterAlerts.prometheusRulePath, QuartermasterAlerts.chartTemplatePath,
        ] {
            #expect(paths.contains(path), "\(path) is not generated")
        }
    }

    /// The check itself: in a copy of the generated tree, a hand edit, a deleted file and a
    /// stray CRD are each reported; the fresh copy is not.
    @Test func driftIsDetectedForEditedMissingAndStrayFiles() throws {
        let files = try GeneratedManifests.files(root: Self.root)
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("qm-drift-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        for file in files {
            let url = copy.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url)
        }
        #expect(GeneratedManifests.drift(under: copy, generated: files) == [])

        let edited = try #require(files.first { $0.path == "config/rbac/role.yaml" })
        try Data((edited.text + "  - apiGroups: [\"\"]\n    resources: [\"nodes\"]\n    verbs: [\"get\"]\n").utf8)
            .write(to: copy.appendingPathComponent(edited.path))
        let removed = try #require(files.first { $0.path == FluxHealthChecks.path })
        try FileManager.default.removeItem(at: copy.appendingPathComponent(removed.path))
        try Data("---\n".utf8).write(to: copy.appendingPathComponent("charts/quartermaster/crds/quartermaster.dev_gone.yaml"))
        #expect(
            GeneratedManifests.drift(under: copy, generated: files)
                == [edited.path, removed.path, "charts/quartermaster/crds/quartermaster.dev_gone.yaml"])
    }

    @Test func argoCDPatchHasOneEntryPerKindWithTheSharedScript() throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent(ArgoCDHealthPatch.scriptPath), encoding: .utf8)
        let patch = ArgoCDHealthPatch.yaml(for: QuartermasterKinds.all, script: script)
        for kind in QuartermasterKinds.all {
            #expect(patch.contains("  resource.customizations.health.quartermaster.dev_\(kind.resource.kind): |\n"))
        }
        #expect(patch.components(separatedBy: "resource.customizations.health.").count - 1 == QuartermasterKinds.all.count)
    }
}
