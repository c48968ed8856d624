import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus

@testable import QuartermasterControllers

/// The Widget controller as `QuartermasterControllerSet.make(cache:settings:kinds:)` builds it
/// from `kinds` (default `[Widget.declaration]`), running over a `FakeAPIServer`.
///
/// The operator and the test reach the server with different bearer tokens, so the
/// operator's own requests can be told apart (``operatorRequests``). Events go to a server of
/// their own (``eventSink``), so they do not move the resource version that
/// ``waitUntilSettled(_:)`` compares.
final class WidgetControllerHarness: Sendable {
    let server = FakeAPIServer()
    let eventSink = FakeAPIServer()
    /// The test's client (bearer token `tester`).
    let tester: KubeClient
    let events: EventRecorder
    let cache: InformerCache
    let controller: Controller<WidgetReconciler>
    private let run: Task<Void, Never>

    static let operatorToken = "Bearer operator"

    /// Builds the controllers of `kinds` and starts the cache and the Widget controller's
    /// workers; `nil` when `kinds` build no Widget controller.
    init?(kinds: [KindDeclaration] = [Widget.declaration]) {
        let credentials = StaticCredentials(Credentials(bearerToken: "operator"))
        let client = KubeClient(transport: server, credentials: credentials)
        tester = KubeClient(transport: server, credentials: StaticCredentials(Credentials(bearerToken: "tester")))
        events = EventRecorder(
            client: KubeClient(transport: eventSink, credentials: credentials), component: "quartermaster-test",
            instance: "test")
        let settings = ControllerSettings(
            registry: PrometheusCollectorRegistry(), events: events, logger: Logger(label: "test.widgets"),
            operatorNamespace: nil)
        cache = InformerCache(client: client)
        let controllers = QuartermasterControllerSet.make(cache: cache, settings: settings, kinds: kinds)
        guard controllers.count == 1, let widgets = controllers.first as? Controller<WidgetReconciler> else {
            return nil
        }
        controller = widgets
        let cache = self.cache
        run = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await cache.run() }
                group.addTask { try? await widgets.runWorkers() }
            }
        }
    }

    deinit { run.cancel() }

    /// Stops the cache and the workers.
    func stop() async {
        run.cancel()
        await run.value
    }

    var log: WidgetReconcileLog { controller.reconciler.log }

    /// Every request the operator sent (to the API server and the event sink).
    var operatorRequests: [HTTPRequest] {
        (server.requests + eventSink.requests).filter { $0.headers["Authorization"] == Self.operatorToken }
    }

    /// The operator's writes to the API server (not Events).
    var operatorWrites: [HTTPRequest] {
        server.requests.filter { $0.method != .get && $0.headers["Authorization"] == Self.operatorToken }
    }

    /// Nothing is left to happen for `key`: its latest reconcile started from caches holding
    /// the server's latest write (and so wrote nothing since, or the version would have
    /// moved), none is running, none is queued or waiting to be retried.
    func settled(_ key: ObjectKey) -> Bool {
        log.seenVersion(of: key) == Int(server.resourceVersion) && log.inFlight == 0 && controller.queue.count == 0
            && controller.queue.pendingDelayedCount == 0
    }

    /// Waits, one finished reconcile at a time, until ``settled(_:)``; `false` when it is not
    /// after `reconciles` more reconciles (a controller that never converges). Default 200.
    func waitUntilSettled(_ key: ObjectKey, reconciles: Int = 200) async -> Bool {
        if settled(key) { return true }
        var seen = 0
        for await _ in log.completions {
            if settled(key) { return true }
            seen += 1
            if seen >= reconciles { return false }
        }
        return settled(key)
    }
}
