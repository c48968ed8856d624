import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// The test-only kind's controller, built from its one declaration by
/// `QuartermasterControllerSet.make(cache:settings:kinds:)`, running over a `FakeAPIServer`:
/// every wait is for the controller to settle (``WidgetControllerHarness/waitUntilSettled(_:)``),
/// never for a length of time.
@Suite struct TestOnlyKindControllerTests {
    static let key = ObjectKey(namespace: "default", name: "w1")

    func configMap(_ harness: WidgetControllerHarness) -> ConfigMap? {
        harness.server.object(ConfigMap.self, name: "w1-widget", namespace: "default")
    }

    func widget(_ harness: WidgetControllerHarness) -> Widget? {
        harness.server.object(Widget.self, name: "w1", namespace: "default")
    }

    @Test func theDeclarationBuildsAControllerThatRendersUpdatesAndThenWritesNothing() async throws {
        let harness = try #require(WidgetControllerHarness())
        #expect(harness.controller.name == "widgets")
        #expect(harness.controller.declaredResources == ["\(Widget.resource)", "\(ConfigMap.resource)"])

        // Created: the ConfigMap is rendered and the status says Ready.
        let created = try await harness.tester.create(
            Widget(metadata: ObjectMeta(name: "w1", namespace: "default"), spec: WidgetSpec(size: 2, message: "hi")))
        #expect(await harness.waitUntilSettled(Self.key))
        let rendered = try #require(configMap(harness))
        #expect(rendered.data == ["message": "hi", "size": "2", "rendered": "hi\nhi"])
        #expect(rendered.metadata.controllerReference?.uid == created.metadata.uid)
        #expect(rendered.metadata.labels?[QuartermasterLabels.managedByKey] == QuartermasterLabels.managedByValue)
        let ready = try #require(widget(harness)?.status)
        #expect(ready.phase == .ready && ready.observedGeneration == 1)
        let condition = try #require(ready.conditions?[type: "Ready"])
        #expect(condition.status == .true && condition.reason == "Rendered" && condition.observedGeneration == 1)
        await harness.events.flush()
        #expect(harness.eventSink.objects(Event.self).contains { $0.reason == "Ready" })

        // The spec changes: the ConfigMap and the status follow.
        _ = try await harness.tester.mergePatch(
            Widget.self, name: "w1", namespace: "default", patch: ["spec": ["size": 3, "message": "bye"]])
        #expect(await harness.waitUntilSettled(Self.key))
        #expect(configMap(harness)?.data == ["message": "bye", "size": "3", "rendered": "bye\nbye\nbye"])
        let updated = try #require(widget(harness)?.status)
        #expect(updated.observedGeneration == 2 && updated.phase == .ready)
        #expect(updated.conditions?[type: "Ready"]?.observedGeneration == 2)
        #expect(
            updated.conditions?[type: "Ready"]?.lastTransitionTime == condition.lastTransitionTime,
            "still Ready: the transition time stays")

        // Someone edits the ConfigMap: repaired.
        _ = try await harness.tester.mergePatch(
            ConfigMap.self, name: "w1-widget", namespace: "default", patch: ["data": ["rendered": "edited"]])
        #expect(await harness.waitUntilSettled(Self.key))
        #expect(configMap(harness)?.data?["rendered"] == "bye\nbye\nbye")

        // Converged: a change that needs nothing (an annotation) is reconciled, writes nothing.
        let writes = harness.operatorWrites.count
        let reconciles = harness.log.reconciles(of: Self.key)
        _ = try await harness.tester.mergePatch(
            Widget.self, name: "w1", namespace: "default", patch: ["metadata": ["annotations": ["touched": "yes"]]])
        #expect(await harness.waitUntilSettled(Self.key))
        #expect(harness.log.reconciles(of: Self.key) > reconciles, "the annotation was reconciled")
        #expect(
            harness.operatorWrites.count == writes,
            "\(harness.operatorWrites.dropFirst(writes).map { "\($0.method.rawValue) \($0.path)" })")
        await harness.stop()
    }

    @Test func aSuspendedWidgetReportsSuspendedAndItsConfigMapIsLeftAlone() async throws {
        let harness = try #require(WidgetControllerHarness())
        _ = try await harness.tester.create(
            Widget(metadata: ObjectMeta(name: "w1", namespace: "default"), spec: WidgetSpec(message: "hi")))
        #expect(await harness.waitUntilSettled(Self.key))
        _ = try await harness.tester.mergePatch(
            Widget.self, name: "w1", namespace: "default", patch: ["spec": ["suspended": true, "message": "bye"]])
        #expect(await harness.waitUntilSettled(Self.key))
        let status = try #require(widget(harness)?.status)
        #expect(status.phase == .suspended && status.observedGeneration == 2)
        #expect(status.conditions?[type: "Ready"]?.reason == "Suspended")
        #expect(configMap(harness)?.data?["message"] == "hi", "left as it was")
        await harness.stop()
    }

    @Test func aConfigMapOfThatNameTheWidgetDoesNotControlIsNeverWritten() async throws {
        let harness = try #require(WidgetControllerHarness())
        // Labelled as Quartermaster's (so the owned cache holds it) but owned by no one.
        let foreign = ConfigMap(
            metadata: ObjectMeta(
                name: "w1-widget", namespace: "default",
                labels: [QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue]),
            data: ["mine": "yes"])
        _ = try await harness.tester.create(foreign)
        _ = try await harness.tester.create(
            Widget(metadata: ObjectMeta(name: "w1", namespace: "default"), spec: WidgetSpec(message: "hi")))
        #expect(await harness.waitUntilSettled(Self.key))
        let status = try #require(widget(harness)?.status)
        #expect(status.phase == .pending && status.conditions?[type: "Ready"]?.reason == "NameConflict")
        #expect(configMap(harness)?.data == ["mine": "yes"])
        #expect(!harness.operatorWrites.contains { $0.path.hasSuffix("/configmaps/w1-widget") })
        await harness.stop()
    }

    @Test func theManagerRoleGrantsEverythingTheControllerDeclaredAndDid() async throws {
        let harness = try #require(WidgetControllerHarness())
        _ = try await harness.tester.create(
            Widget(metadata: ObjectMeta(name: "w1", namespace: "default"), spec: WidgetSpec(message: "hi")))
        #expect(await harness.waitUntilSettled(Self.key))
        _ = try await harness.tester.mergePatch(Widget.self, name: "w1", namespace: "default", patch: ["spec": ["size": 2]])
        #expect(await harness.waitUntilSettled(Self.key))
        await harness.events.flush()
        await harness.stop()

        let required = ControllerGrants.required(
            declared: harness.controller.declaredResources, requests: harness.operatorRequests)
        // What the derivation found: the informers, the owned kind, the status, the Events.
        for verb in ["list", "watch"] {
            #expect(required.contains(PolicyGrant(group: "quartermaster.dev", resource: "widgets", verb: verb)))
        }
        for verb in ["list", "watch", "create", "update", "patch", "delete"] {
            #expect(required.contains(PolicyGrant(group: "", resource: "configmaps", verb: verb)))
        }
        #expect(required.contains(PolicyGrant(group: "quartermaster.dev", resource: "widgets/status", verb: "update")))
        #expect(required.contains(PolicyGrant(group: "", resource: "events", verb: "create")))
        #expect(!required.contains(PolicyGrant(group: "quartermaster.dev", resource: "widgets", verb: "create")))

        func granted(_ kinds: [KindDeclaration]) -> Set<PolicyGrant> {
            ManagerRole.documentedRules(for: kinds).reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        }
        let missing = required.subtracting(granted([Widget.declaration]))
        #expect(missing.isEmpty, "the Widget's manager rules lack \(missing.sorted())")

        // A declaration that forgets its ConfigMap rule fails the same check.
        var forgetful = Widget.declaration
        forgetful.managerRules.removeAll { $0.rule.resources == ["configmaps"] }
        let forgotten = required.subtracting(granted([forgetful]))
        #expect(forgotten.contains(PolicyGrant(group: "", resource: "configmaps", verb: "delete")))
        #expect(forgotten.allSatisfy { $0.resource == "configmaps" }, "\(forgotten.sorted())")
    }

    @Test func requestsMapToTheirRBACAccess() {
        func access(_ method: HTTPMethod, _ path: String, watch: Bool = false) -> String? {
            let request = HTTPRequest(method: method, path: path, query: watch ? [QueryItem("watch", "1")] : [])
            return ControllerGrants.access(of: request).map { "\($0.verb) \($0.group)/\($0.resource)" }
        }
        #expect(access(.get, "/api/v1/configmaps") == "list /configmaps")
        #expect(access(.get, "/api/v1/configmaps", watch: true) == "watch /configmaps")
        #expect(access(.get, "/api/v1/namespaces/ns/configmaps/a") == "get /configmaps")
        #expect(access(.patch, "/api/v1/namespaces/ns/configmaps/a") == "patch /configmaps")
        #expect(access(.post, "/api/v1/namespaces") == "create /namespaces")
        #expect(access(.delete, "/api/v1/namespaces/ns") == "delete /namespaces")
        #expect(access(.put, "/api/v1/namespaces/ns/status") == "update /namespaces/status")
        #expect(
            access(.put, "/apis/quartermaster.dev/v1alpha1/namespaces/ns/widgets/w1/status")
                == "update quartermaster.dev/widgets/status")
        #expect(access(.get, "/apis/quartermaster.dev/v1alpha1") == nil, "discovery")
        func kind(_ resource: ResourceDescriptor) -> String? {
            ControllerGrants.kind(ofDescription: "\(resource)").map { "\($0.group)/\($0.plural)" }
        }
        #expect(kind(Widget.resource) == "quartermaster.dev/widgets")
        #expect(kind(ConfigMap.resource) == "/configmaps")
    }
}
