import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Prometheus
import Testing

/// Derives one ConfigMap per PodTemplate (`<name>-derived`, the template's first image in
/// `data.image`), owned by it, applied only when it differs from the cache.
struct DerivedConfigMapReconciler: Reconciler {
    typealias Object = PodTemplate
    let applier: DesiredStateApplier
    /// The derived ConfigMaps its controller owns.
    let derived: Store<ConfigMap>
    let reconciles: Tally

    func reconcile(_ request: ReconcileRequest, context: ReconcileContext<PodTemplate>) async throws
        -> ReconcileResult
    {
        reconciles.increment()
        guard let template = context.store.get(request.key), let uid = template.metadata.uid,
            let namespace = template.metadata.namespace
        else { return .done }
        var image = ""
        if case .array(let containers)? = template.template?["spec"]?["containers"] {
            image = containers.first?["image"]?.stringValue ?? ""
        }
        let desired = ConfigMap(
            metadata: ObjectMeta(
                name: "\(request.name)-derived", namespace: namespace,
                labels: ["app.kubernetes.io/managed-by": "quartermaster"],
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "v1", kind: "PodTemplate", name: request.name, uid: uid, controller: true,
                        blockOwnerDeletion: true)
                ]),
            data: ["image": image])
        let observed = derived.get(name: "\(request.name)-derived", namespace: namespace)
        _ = try await applier.apply(desired, observed: observed)
        return .done
    }
}

/// `Controller` run by a `Manager` against the real API server: primary and owned caches,
/// reconciles on changes of either, and no writes once converged.
@Suite("Core: controller and manager against a real API server")
struct CoreControllerTests {
    @Test(
        "a controller derives owned objects, repairs them, and sends nothing once converged",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func controllerConverges() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("core-controller")
        let (client, counting) = try CoreTest.countingClient(env)
        let reconciles = Tally()
        let manager = Manager(
            client: client,
            options: ManagerOptions(
                operatorIdentity: .testOperator, metricsBindAddress: .disabled,
                healthProbeBindAddress: .listen(host: "127.0.0.1", port: 0),
                handleSignals: false),
            registry: PrometheusCollectorRegistry())
        var builder = ControllerBuilder<PodTemplate>(
            cache: manager.cache, name: "derived", primary: ReflectorOptions(namespaces: [namespace]),
            options: ControllerOptions(ownedLabelSelector: "app.kubernetes.io/managed-by=quartermaster"))
        let derived = builder.owns(ConfigMap.self)
        manager.add(
            builder.complete(
                DerivedConfigMapReconciler(
                    applier: DesiredStateApplier(client: client, identity: .testOperator), derived: derived, reconciles: reconciles)))
        let run = Task { try await manager.run() }
        defer { manager.shutdown() }

        #expect(await CoreTest.eventually { manager.readiness().allSatisfy(\.ready) && !manager.readiness().isEmpty })
        let port = await manager.healthProbePort()
        #expect(port != nil)
        if let port {
            // Asked until it answers: on a busy machine one request can outlast curl's hang guard.
            #expect(await CoreTest.eventually { (try? await Self.httpStatus("http://127.0.0.1:\(port)/readyz")) == 200 })
        }

        let configMaps = "/api/v1/namespaces/\(namespace)/configmaps"
        @Sendable func applies() -> Int { counting.all.filter { $0.method == .patch && $0.path.hasPrefix(configMaps + "/") }.count }
        @Sendable func derivedImage() async -> String? {
            derived.get(name: "web-derived", namespace: namespace)?.data?["image"]
        }

        _ = try await client.create(PodTemplate(name: "web", namespace: namespace, image: "example.invalid/web:1"))
        #expect(await CoreTest.eventually { await derivedImage() == "example.invalid/web:1" })

        var web = try await client.get(PodTemplate.self, name: "web", namespace: namespace)
        web.template = PodTemplate(name: "web", namespace: namespace, image: "example.invalid/web:2").template
        _ = try await client.replace(web)
        #expect(await CoreTest.eventually { await derivedImage() == "example.invalid/web:2" })

        // Someone deletes the owned object: its owner is reconciled and recreates it.
        try await env.kubectlChecked(["-n", namespace, "delete", "configmap", "web-derived"])
        #expect(
            await CoreTest.eventually {
                let copy = derived.get(name: "web-derived", namespace: namespace)
                return copy != nil && counting.all.filter { $0.method == .patch }.count >= 3
            })
        #expect(await CoreTest.eventually { await derivedImage() == "example.invalid/web:2" })

        // Converged: the owned objects' own update events reconcile the owner again, which
        // must send nothing. Wait a moment and count.
        try await Task.sleep(for: .seconds(2))
        let appliesAtRest = applies()
        let reconcilesAtRest = reconciles.value
        try await Task.sleep(for: .seconds(2))
        print(
            "CoreControllerTests.controllerConverges: \(reconcilesAtRest) reconciles, \(appliesAtRest) applies "
                + "for 3 changes")
        #expect(appliesAtRest == 3, "\(counting.all.filter { $0.method == .patch })")
        #expect(applies() == appliesAtRest)
        #expect(reconcilesAtRest >= 3)

        manager.shutdown()
        try await run.value
        try await env.kubectlChecked(["delete", "namespace", namespace, "--wait=false"])
    }

    /// The HTTP status of a GET, through curl (no URLSession on every platform).
    static func httpStatus(_ url: String) async throws -> Int {
        try await BlockingWork.run { try httpStatusBlocking(url) }
    }

    private static func httpStatusBlocking(_ url: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30", url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Int(String(decoding: data, as: UTF8.self)) ?? -1
    }
}
