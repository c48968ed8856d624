import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Synchronization
import Testing

/// Credentials that change after every invalidation, counting the invalidations.
final class RotatingCredentials: CredentialProvider {
    private let state = Mutex((generation: 1, invalidations: 0))
    var invalidations: Int { state.withLock { $0.invalidations } }
    func credentials() async throws -> Credentials {
        Credentials(bearerToken: "token-\(state.withLock { $0.generation })")
    }
    func invalidate() async {
        state.withLock {
            $0.generation += 1
            $0.invalidations += 1
        }
    }
}

func body(_ r: HTTPRequest) -> String { String(decoding: r.body ?? Data(), as: UTF8.self) }

func lineStream(status: Int = 200, headers: [String: String] = [:], _ lines: [String]) -> HTTPLineStream {
    let (s, c) = AsyncThrowingStream.makeStream(of: Data.self)
    for l in lines { c.yield(Data(l.utf8)) }
    c.finish()
    return HTTPLineStream(status: status, headers: headers, lines: s)
}

let configMapJSON = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"ns","resourceVersion":"7"},"data":{"k":"v"}}"#

@Suite struct KubeClientOperationsTests {
    let transport = ScriptedTransport()
    var client: KubeClient { KubeClient(transport: transport, defaultNamespace: "ns", fieldManager: "test-operator") }

    @Test func getUsesDefaultNamespace() async throws {
        transport.on(.get, "/api/v1/namespaces/ns/configmaps/cm", json: configMapJSON)
        let cm = try await client.get(ConfigMap.self, name: "cm")
        #expect(cm.data == ["k": "v"])
        let r = try #require(transport.requests.first)
        #expect(r.method == .get && r.query.isEmpty && r.body == nil)
        #expect(r.path == "/api/v1/namespaces/ns/configmaps/cm")
    }

    @Test func getClusterScopedIgnoresNamespace() async throws {
        transport.on(.get, "/api/v1/namespaces/team", json: #"{"metadata":{"name":"team"},"status":{"phase":"Active"}}"#)
        let n = try await client.get(Namespace.self, name: "team", namespace: "ignored")
        #expect(n.status?.phase == "Active" && n.kind == "Namespace")
    }

    @Test func getIfExistsMapsNotFoundToNil() async throws {
        transport.on(
            .get, "/apis/apps/v1/namespaces/ns/statefulsets/x", status: 404,
            json: #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"statefulsets.apps \"x\" not found","reason":"NotFound","details":{"name":"x","group":"apps","kind":"statefulsets"},"code":404}"#)
        #expect(try await client.getIfExists(StatefulSet.self, name: "x") == nil)
        await #expect(throws: KubeAPIError.notFound(#"statefulsets.apps "x" not found"#)) {
            _ = try await client.get(StatefulSet.self, name: "x")
        }
    }

    @Test func listAllFollowsContinueTokens() async throws {
        transport.on { req in
            guard req.path == "/api/v1/namespaces/ns/secrets" else { return nil }
            let cont = req.query.first { $0.name == "continue" }?.value
            let json: String
            switch cont {
            case nil:
                json = #"{"metadata":{"resourceVersion":"100","continue":"p2"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"#
            case "p2":
                json = #"{"metadata":{"resourceVersion":"100","continue":"p3"},"items":[{"metadata":{"name":"c"}}]}"#
            default:
                json = #"{"metadata":{"resourceVersion":"100"},"items":[{"metadata":{"name":"d"}}]}"#
            }
            return HTTPResponse(status: 200, body: Data(json.utf8))
        }
        let (items, rv) = try await client.listAll(
            Secret.self, namespace: "ns", options: ListOptions(labelSelector: "app=pg"), pageSize: 2)
        #expect(items.map(\.metadata.name) == ["a", "b", "c", "d"])
        #expect(items.allSatisfy { $0.kind == "Secret" })
        #expect(rv == "100")
        #expect(transport.requests.map(\.query) == [
            [.init("labelSelector", "app=pg"), .init("limit", "2")],
            [.init("labelSelector", "app=pg"), .init("limit", "2"), .init("continue", "p2")],
            [.init("labelSelector", "app=pg"), .init("limit", "2"), .init("continue", "p3")],
        ])
        #expect(transport.requests[0].target == "/api/v1/namespaces/ns/secrets?labelSelector=app%3Dpg&limit=2")
    }

    @Test func listAllRestartsUnpagedWhenContinueExpired() async throws {
        transport.on { req in
            guard req.path == "/api/v1/configmaps" else { return nil }
            let q = Dictionary(req.query.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            if q["continue"] == "old" {
                return HTTPResponse(
                    status: 410,
                    body: Data(#"{"kind":"Status","status":"Failure","message":"The provided continue parameter is too old","reason":"Expired","code":410}"#.utf8))
            }
            if q["limit"] == nil {
                return HTTPResponse(status: 200, body: Data(#"{"metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"x"}},{"metadata":{"name":"y"}}]}"#.utf8))
            }
            return HTTPResponse(status: 200, body: Data(#"{"metadata":{"resourceVersion":"5","continue":"old"},"items":[{"metadata":{"name":"x"}}]}"#.utf8))
        }
        let (items, rv) = try await client.listAll(ConfigMap.self, pageSize: 1)
        #expect(items.map(\.metadata.name) == ["x", "y"])
        #expect(rv == "9")
        #expect(transport.requests.count == 3)
        #expect(transport.requests[2].query.isEmpty)
    }

    @Test func watchDecodesEveryEventType() async throws {
        transport.onStream { req in
            lineStream([
                #"{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"11"}}}"#,
                "",
                #"{"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"12"},"data":{"x":"1"}}}"#,
                #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"15"}}}"#,
                #"{"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"odd","resourceVersion":"15"},"data":{"x":5}}}"#,
                #"{"type":"DELETED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"16"}}}"#,
                #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 10 (20)","reason":"Expired","code":410}}"#,
            ])
        }
        let events = try await client.watch(
            ConfigMap.self, namespace: "ns", options: WatchOptions(resourceVersion: "10", timeoutSeconds: 300))
        var seen: [String] = []
        for try await e in events {
            switch e {
            case .added(let o): seen.append("added \(o.metadata.resourceVersion ?? "")")
            case .modified(let o): seen.append("modified \(o.data?["x"] ?? "")")
            case .deleted(let o): seen.append("deleted \(o.metadata.name ?? "")")
            case .bookmark(let rv): seen.append("bookmark \(rv)")
            case .undecodable(let bad, let deleted): seen.append("undecodable \(bad.name ?? "") \(deleted) \(bad.reason)")
            case .error(let err):
                #expect(err == .gone("too old resource version: 10 (20)"))
                seen.append("error")
            }
        }
        #expect(
            seen == [
                "added 11", "modified 1", "bookmark 15", "undecodable odd false data.x: expected a string", "deleted a",
                "error",
            ])
        let r = try #require(transport.requests.first)
        #expect(r.method == .get && r.path == "/api/v1/namespaces/ns/configmaps")
        #expect(r.query == [
            .init("watch", "1"), .init("resourceVersion", "10"), .init("timeoutSeconds", "300"),
            .init("allowWatchBookmarks", "true"),
        ])
    }

    @Test func watchErrorStatusIsThrown() async throws {
        transport.onStream { _ in
            lineStream(status: 403, [#"{"kind":"Status","status":"Failure","message":"forbidden: cannot watch","reason":"Forbidden","code":403}"#])
        }
        await #expect(throws: KubeAPIError.forbidden("forbidden: cannot watch")) {
            _ = try await client.watch(Pod.self)
        }
    }

    @Test func createPostsJSONWithFieldManager() async throws {
        transport.on(.post, "/api/v1/namespaces/ns/configmaps", status: 201, json: configMapJSON)
        let created = try await client.create(ConfigMap(metadata: ObjectMeta(name: "cm"), data: ["k": "v"]))
        #expect(created.metadata.resourceVersion == "7")
        let r = try #require(transport.requests.first)
        #expect(r.method == .post)
        #expect(r.query == [.init("fieldManager", "test-operator")])
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(body(r) == #"{"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","metadata":{"name":"cm"}}"#)
    }

    @Test func createAlreadyExists() async throws {
        transport.on(
            .post, "/api/v1/namespaces/ns/configmaps", status: 409,
            json: #"{"kind":"Status","status":"Failure","message":"configmaps \"cm\" already exists","reason":"AlreadyExists","details":{"name":"cm","kind":"configmaps"},"code":409}"#)
        await #expect(throws: KubeAPIError.alreadyExists(#"configmaps "cm" already exists"#)) {
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "cm")))
        }
    }

    @Test func applyIsAForcedApplyPatch() async throws {
        transport.on(.patch, "/apis/apps/v1/namespaces/team/statefulsets/pg", json: #"{"metadata":{"name":"pg","namespace":"team"},"spec":{"replicas":2,"selector":{},"template":{}}}"#)
        let sts = StatefulSet(
            metadata: ObjectMeta(name: "pg", namespace: "team"),
            spec: StatefulSetSpec(replicas: 2, selector: LabelSelector(matchLabels: ["a": "b"]), template: PodTemplateSpec()))
        let applied = try await client.apply(sts)
        #expect(applied.spec?.replicas == 2)
        let r = try #require(transport.requests.first)
        #expect(r.method == .patch)
        #expect(r.headers["Content-Type"] == "application/apply-patch+yaml")
        #expect(r.query == [.init("fieldManager", "test-operator"), .init("force", "true")])
        #expect(body(r) == #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"pg","namespace":"team"},"spec":{"replicas":2,"selector":{"matchLabels":{"a":"b"}},"template":{}}}"#)
    }

    @Test func applyStatusWithDryRun() async throws {
        transport.on(.patch, "/api/v1/namespaces/ns/pods/p/status", json: #"{"metadata":{"name":"p"}}"#)
        _ = try await client.apply(
            Pod(metadata: ObjectMeta(name: "p"), status: PodStatus(phase: "Running")), subresource: "status",
            fieldManager: "tester", force: false, dryRun: true)
        let r = try #require(transport.requests.first)
        #expect(r.query == [.init("fieldManager", "tester"), .init("dryRun", "All")])
    }

    @Test func applyWithoutNameFailsWithoutRequest() async throws {
        await #expect(throws: KubeAPIError.self) { _ = try await client.apply(ConfigMap()) }
        #expect(transport.requests.isEmpty)
    }

    @Test func aClientWithoutFieldManagerSendsNoneAndCannotApply() async throws {
        let anonymous = KubeClient(transport: transport, defaultNamespace: "ns")
        transport.on(.post, "/api/v1/namespaces/ns/configmaps", status: 201, json: configMapJSON)
        transport.on(.patch, "/api/v1/namespaces/ns/configmaps/cm", json: configMapJSON)
        _ = try await anonymous.create(ConfigMap(metadata: ObjectMeta(name: "cm")))
        _ = try await anonymous.mergePatch(ConfigMap.self, name: "cm", patch: ["data": ["k": "v"]])
        #expect(transport.requests.map(\.query) == [[], []])
        transport.clearRequests()
        await #expect(throws: KubeAPIError.badRequest("server-side apply needs a field manager")) {
            _ = try await anonymous.apply(ConfigMap(metadata: ObjectMeta(name: "cm")))
        }
        #expect(transport.requests.isEmpty)
        _ = try await anonymous.apply(ConfigMap(metadata: ObjectMeta(name: "cm")), fieldManager: "explicit")
        #expect(transport.requests.first?.query == [.init("fieldManager", "explicit"), .init("force", "true")])
    }

    @Test func aCallsFieldManagerWinsOverTheClients() async throws {
        transport.on(.post, "/api/v1/namespaces/ns/configmaps", status: 201, json: configMapJSON)
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "cm")), fieldManager: "explicit")
        #expect(transport.requests.first?.query == [.init("fieldManager", "explicit")])
    }

    @Test func mergePatch() async throws {
        transport.on(.patch, "/api/v1/namespaces/ns/configmaps/cm", json: configMapJSON)
        _ = try await client.mergePatch(ConfigMap.self, name: "cm", patch: ["metadata": ["labels": ["a": nil]]])
        let r = try #require(transport.requests.first)
        #expect(r.headers["Content-Type"] == "application/merge-patch+json")
        #expect(r.query == [.init("fieldManager", "test-operator")])
        #expect(body(r) == #"{"metadata":{"labels":{"a":null}}}"#)
    }

    @Test func jsonPatchWithTestOperationAndItsFailure() async throws {
        transport.on(
            .patch, "/apis/apps/v1/namespaces/ns/statefulsets/pg/status", status: 422,
            json: #"{"kind":"Status","status":"Failure","message":"the server rejected our request due to an error in our request","reason":"Invalid","details":{"causes":[{"reason":"FieldValueInvalid","message":"test operation failed","field":"status.replicas"}]},"code":422}"#)
        let ops: [JSONPatchOperation] = [
            .test(JSONPatchOperation.pointer("metadata", "resourceVersion"), "41"),
            .replace("/status/replicas", 3),
            .remove(JSONPatchOperation.pointer("metadata", "annotations", "example.com/x")),
        ]
        await #expect(
            throws: KubeAPIError.invalid(
                "the server rejected our request due to an error in our request",
                causes: [.init(reason: "FieldValueInvalid", message: "test operation failed", field: "status.replicas")])
        ) {
            _ = try await client.jsonPatch(StatefulSet.self, name: "pg", operations: ops, subresource: "status")
        }
        let r = try #require(transport.requests.first)
        #expect(r.headers["Content-Type"] == "application/json-patch+json")
        #expect(
            body(r)
                == #"[{"op":"test","path":"/metadata/resourceVersion","value":"41"},{"op":"replace","path":"/status/replicas","value":3},{"op":"remove","path":"/metadata/annotations/example.com~1x"}]"#
        )
    }

    @Test func deleteSendsOptionsBody() async throws {
        transport.on(.delete, "/apis/apps/v1/namespaces/ns/statefulsets/pg", json: #"{"kind":"Status","status":"Success"}"#)
        try await client.delete(
            StatefulSet.self, name: "pg",
            options: DeleteOptions(
                propagationPolicy: .foreground,
                preconditions: .init(uid: "u-1", resourceVersion: "42")))
        let r = try #require(transport.requests.first)
        #expect(r.method == .delete && r.query.isEmpty)
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(
            body(r)
                == #"{"apiVersion":"v1","kind":"DeleteOptions","preconditions":{"resourceVersion":"42","uid":"u-1"},"propagationPolicy":"Foreground"}"#
        )
    }

    @Test func deletePreconditionFailureIsConflict() async throws {
        transport.on(
            .delete, "/api/v1/namespaces/ns/secrets/s", status: 409,
            json: #"{"kind":"Status","status":"Failure","message":"Precondition failed: UID in precondition: u-1, UID in object meta: u-2","reason":"Conflict","code":409}"#)
        await #expect(throws: KubeAPIError.conflict("Precondition failed: UID in precondition: u-1, UID in object meta: u-2")) {
            try await client.delete(Secret.self, name: "s", options: DeleteOptions(preconditions: .init(uid: "u-1")))
        }
    }

    @Test func replaceStatusPutsWholeObject() async throws {
        transport.on(.put, "/apis/apps/v1/namespaces/ns/deployments/web/status", json: #"{"metadata":{"name":"web"},"status":{"readyReplicas":1}}"#)
        var d = Deployment(metadata: ObjectMeta(name: "web"))
        d.metadata.resourceVersion = "3"
        d.status = DeploymentStatus(readyReplicas: 1)
        let out = try await client.replaceStatus(d)
        #expect(out.status?.readyReplicas == 1)
        let r = try #require(transport.requests.first)
        #expect(r.method == .put && r.query.isEmpty)
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(body(r) == #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","resourceVersion":"3"},"status":{"readyReplicas":1}}"#)
    }

    @Test func scaleGetAndUpdate() async throws {
        let scaleJSON = #"{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"pg","namespace":"ns","resourceVersion":"50"},"spec":{"replicas":3},"status":{"replicas":3,"selector":"app=pg"}}"#
        transport.on(.get, "/apis/apps/v1/namespaces/ns/statefulsets/pg/scale", json: scaleJSON)
        transport.on(.put, "/apis/apps/v1/namespaces/ns/statefulsets/pg/scale", json: scaleJSON.replacingOccurrences(of: #""replicas":3}"#, with: #""replicas":5}"#))
        var scale = try await client.getScale(StatefulSet.self, name: "pg")
        #expect(scale.spec?.replicas == 3 && scale.status?.selector == "app=pg")
        scale.spec?.replicas = 5
        let updated = try await client.updateScale(StatefulSet.self, scale: scale)
        #expect(updated.spec?.replicas == 5)
        let put = try #require(transport.requests.last)
        #expect(put.method == .put && put.headers["Content-Type"] == "application/json")
        #expect(body(put) == #"{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"pg","namespace":"ns","resourceVersion":"50"},"spec":{"replicas":5},"status":{"replicas":3,"selector":"app=pg"}}"#)
    }

    // MARK: Errors

    static let errorCases: [(Int, [String: String], String, KubeAPIError)] = [
        (404, [:], #"{"kind":"Status","status":"Failure","message":"nope","reason":"NotFound","code":404}"#, .notFound("nope")),
        (409, [:], #"{"kind":"Status","status":"Failure","message":"exists","reason":"AlreadyExists","code":409}"#, .alreadyExists("exists")),
        (409, [:], #"{"kind":"Status","status":"Failure","message":"Operation cannot be fulfilled on configmaps \"cm\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","code":409}"#,
         .conflict(#"Operation cannot be fulfilled on configmaps "cm": the object has been modified; please apply your changes to the latest version and try again"#)),
        (410, [:], #"{"kind":"Status","status":"Failure","message":"too old","reason":"Gone","code":410}"#, .gone("too old")),
        (422, [:], #"{"kind":"Status","status":"Failure","message":"ConfigMap \"BAD\" is invalid","reason":"Invalid","details":{"name":"BAD","kind":"ConfigMap","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: \"BAD\"","field":"metadata.name"}]},"code":422}"#,
         .invalid(#"ConfigMap "BAD" is invalid"#, causes: [.init(reason: "FieldValueInvalid", message: #"Invalid value: "BAD""#, field: "metadata.name")])),
        (403, [:], #"{"kind":"Status","status":"Failure","message":"configmaps is forbidden: User \"x\" cannot get resource","reason":"Forbidden","details":{"kind":"configmaps"},"code":403}"#,
         .forbidden(#"configmaps is forbidden: User "x" cannot get resource"#)),
        (429, ["retry-after": "7"], #"{"kind":"Status","status":"Failure","message":"too many requests","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}"#,
         .tooManyRequests("too many requests", retryAfter: .seconds(7))),
        (504, [:], #"{"kind":"Status","status":"Failure","message":"timed out","reason":"Timeout","details":{"retryAfterSeconds":2},"code":504}"#,
         .serverTimeout("timed out", retryAfter: .seconds(2))),
        (500, [:], #"{"kind":"Status","status":"Failure","message":"the server is currently unable to handle the request","reason":"ServerTimeout","details":{"retryAfterSeconds":1},"code":500}"#,
         .serverTimeout("the server is currently unable to handle the request", retryAfter: .seconds(1))),
        (503, [:], "upstream connect error", .other(code: 503, reason: nil, message: "upstream connect error")),
    ]

    @Test(arguments: 0..<errorCases.count)
    func statusBodiesBecomeTypedErrors(index: Int) async throws {
        let (code, headers, json, expected) = Self.errorCases[index]
        transport.on { _ in HTTPResponse(status: code, headers: headers, body: Data(json.utf8)) }
        await #expect(throws: expected) { _ = try await client.get(ConfigMap.self, name: "cm") }
        #expect(transport.requests.count == 1)
    }

    @Test func retryAfterAndRetryability() {
        let tooMany = KubeAPIError(status: 429, headers: ["retry-after": "7"], body: Data())
        #expect(tooMany.retryAfter == .seconds(7) && tooMany.isRetryable)
        #expect(!KubeAPIError.notFound("x").isRetryable)
        #expect(KubeAPIError.other(code: 503, reason: nil, message: "").isRetryable)
    }

    @Test func unauthorizedInvalidatesCredentialsAndRetriesOnce() async throws {
        let creds = RotatingCredentials()
        let client = KubeClient(transport: transport, credentials: creds, defaultNamespace: "ns")
        transport.on { req in
            req.headers["Authorization"] == "Bearer token-2"
                ? HTTPResponse(status: 200, body: Data(configMapJSON.utf8))
                : HTTPResponse(status: 401, body: Data(#"{"kind":"Status","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#.utf8))
        }
        let cm = try await client.get(ConfigMap.self, name: "cm")
        #expect(cm.metadata.name == "cm")
        #expect(creds.invalidations == 1)
        #expect(transport.requests.map { $0.headers["Authorization"] } == ["Bearer token-1", "Bearer token-2"])
    }

    @Test func unauthorizedTwiceIsThrown() async throws {
        let creds = RotatingCredentials()
        let client = KubeClient(transport: transport, credentials: creds)
        transport.on { _ in HTTPResponse(status: 401, body: Data(#"{"message":"Unauthorized","reason":"Unauthorized","code":401}"#.utf8)) }
        await #expect(throws: KubeAPIError.unauthorized("Unauthorized")) {
            _ = try await client.get(ConfigMap.self, name: "cm")
        }
        #expect(creds.invalidations == 1)
        #expect(transport.requests.count == 2)
    }
}
