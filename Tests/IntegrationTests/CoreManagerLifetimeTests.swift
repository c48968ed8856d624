import Foundation
import KubeClient
import KubeRuntime
import KubeTestSupport
import Prometheus
import Testing

/// `Manager.run()` ends only on a shutdown request, even when nothing it runs is long-lived.
@Suite("Core: manager lifetime")
struct CoreManagerLifetimeTests {
    @Test(
        "a manager with no runnables and no servers keeps running until shutdown",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func runsUntilShutdown() async throws {
        let env = try await EnvTest.shared()
        let client = try KubeClient(configuration: env.clientConfiguration(user: .admin))
        let manager = Manager(
            client: client,
            options: ManagerOptions(
                operatorIdentity: .testOperator, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
                handleSignals: false),
            registry: PrometheusCollectorRegistry())
        let returned = Tally()
        let run = Task {
            try await manager.run()
            returned.increment()
        }
        try await Task.sleep(for: .seconds(1))
        #expect(returned.value == 0, "run() returned before shutdown was requested")
        manager.shutdown()
        try await run.value
        #expect(returned.value == 1)
    }
}
