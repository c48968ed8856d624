import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Prometheus
import Testing

@testable import KubeRuntime

/// A deterministic generator (SplitMix64) for jitter tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ControllerResyncTests {
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test func everyCachedPrimaryObjectIsReenqueuedEachPeriodWithoutAnyEvent() async throws {
        let kube = FakeKube()
        kube.setObjects([Widget("w1", rv: "10"), Widget("w2", rv: "11")], rv: "20")
        let rec = ScriptedReconciler()
        let (cache, controller) = makeController(
            name: "resync", client: kube.client, reconciler: rec,
            options: ControllerOptions(resync: ResyncPeriod(period: .milliseconds(20))))
        let task = runInBackground(controller, cache: cache)
        defer { task.cancel() }
        // The list enqueues each once; only resyncs enqueue them again (no watch event is sent).
        #expect(await eventually { rec.count("w1") >= 3 && rec.count("w2") >= 3 })
        #expect(kube.sessions.allSatisfy { $0.path == Widget.resource.path() })
    }

    @Test func theDefaultIsControllerRuntimesTenHoursWithTenPercentJitter() {
        let period = ResyncPeriod.controllerRuntimeDefault
        #expect(period.period == Duration.seconds(10 * 3600))
        #expect(period.jitter == 0.1)
        let controller = makeController(name: "d", client: FakeKube().client, reconciler: ScriptedReconciler()).controller
        #expect(controller.resync == period)
        #expect(ManagerOptions(operatorIdentity: .testOperator).syncPeriod == period)

        #expect(abs(Self.seconds(period.delay(random: 0)) - 9 * 3600) < 0.001)
        #expect(abs(Self.seconds(period.delay(random: 0.5)) - 10 * 3600) < 0.001)
        #expect(abs(Self.seconds(period.delay(random: 1)) - 11 * 3600) < 0.001)

        var generator = SeededGenerator(state: 42)
        let delays = (0..<1000).map { _ in Self.seconds(period.nextDelay(using: &generator)) }
        #expect(delays.allSatisfy { $0 >= 9 * 3600 && $0 < 11 * 3600 })
        #expect(Set(delays).count > 900, "each wait is drawn anew")
        #expect(delays.contains { $0 < 9.5 * 3600 } && delays.contains { $0 > 10.5 * 3600 })
    }

    @Test func outOfRangeSettingsAreClamped() {
        #expect(ResyncPeriod(period: .milliseconds(10), jitter: 3).jitter == 1)
        #expect(ResyncPeriod(period: .milliseconds(10), jitter: -1).jitter == 0)
        #expect(ResyncPeriod(period: .zero).period == .milliseconds(1))
        #expect(ResyncPeriod(period: .milliseconds(10), jitter: 1).delay(random: 0) == .milliseconds(1))
    }

    @Test func aManagerGivesItsControllersItsSyncPeriod() {
        let client = FakeKube().client
        let fast = ResyncPeriod(period: .milliseconds(50), jitter: 0)
        let options = ManagerOptions(
            operatorIdentity: .testOperator, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
            handleSignals: false, syncPeriod: fast)
        let manager = Manager(client: client, options: options, registry: PrometheusCollectorRegistry())
        let controller = ControllerBuilder<Widget>(cache: manager.cache, name: "m").complete(ScriptedReconciler())
        manager.add(controller)
        #expect(controller.resync == fast)

        let off = Manager(
            client: client,
            options: ManagerOptions(
                operatorIdentity: .testOperator, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
                handleSignals: false, syncPeriod: nil),
            registry: PrometheusCollectorRegistry())
        let other = ControllerBuilder<Widget>(cache: off.cache, name: "o").complete(ScriptedReconciler())
        off.add(other)
        #expect(other.resync == nil)
    }
}
