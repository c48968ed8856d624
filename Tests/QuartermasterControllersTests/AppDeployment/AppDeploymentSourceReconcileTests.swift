import Foundation
import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

/// The reconciler applies the source rules as validation does: an invalid source (here a
/// `file://` URL, the operator running without `--allow-file-sources`) is `Stalled`
/// `InvalidSpec` and nothing is created.
@Suite struct AppDeploymentSourceReconcileTests {
    @Test func aFileSourceWithoutTheAllowanceStallsAndCreatesNothing() async throws {
        let h = AppDeploymentReconcilerHarness(served: true)
        #expect(!h.reconciler.allowFileSources)
        var spec = AppDeploymentSpec(source: .init(git: .init(url: "file:///srv/repo.git", branch: "main")))
        spec.build = .init(output: .init(repository: "registry.example.com/acme/web"))
        _ = try h.fake.seed(AppDeployment(metadata: ObjectMeta(name: "web", namespace: h.namespace), spec: spec))
        try await h.reconcile("web")
        let app = h.app("web")
        let stalled = app?.status?.conditions?[type: "Stalled"]
        #expect(stalled?.status == .true && stalled?.reason == "InvalidSpec", "\(String(describing: stalled))")
        #expect(stalled?.message?.contains("--allow-file-sources") == true, "\(String(describing: stalled?.message))")
        #expect(app?.status?.phase == .queued && app?.status?.progress == 0)
        #expect(h.fake.objects(Deployment.self).isEmpty && h.fake.objects(Service.self).isEmpty)
    }
}
