import Foundation
import Testing

@testable import KubeCore

/// AdmissionReview v1 as the API server sends it (fields this model does not keep are ignored),
/// and the response as the API server expects it (no nulls).
@Suite struct AdmissionReviewTests {
    static let sent = #"""
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{
        "uid":"0b7e8e3a-7e0c-4b0e-9d5c-1f1f2f3f4f5f",
        "kind":{"group":"quartermaster.dev","version":"v1alpha1","kind":"IPFSCluster"},
        "resource":{"group":"quartermaster.dev","version":"v1alpha1","resource":"ipfsclusters"},
        "requestKind":{"group":"quartermaster.dev","version":"v1alpha1","kind":"IPFSCluster"},
        "requestResource":{"group":"quartermaster.dev","version":"v1alpha1","resource":"ipfsclusters"},
        "name":"files","namespace":"acme","operation":"UPDATE",
        "userInfo":{"username":"alice","groups":["system:authenticated"],"extra":{"k":["v"]}},
        "object":{"apiVersion":"quartermaster.dev/v1alpha1","kind":"IPFSCluster","metadata":{"name":"files"},"spec":{"replicas":3}},
        "oldObject":{"apiVersion":"quartermaster.dev/v1alpha1","kind":"IPFSCluster","metadata":{"name":"files"},"spec":{"replicas":1}},
        "dryRun":false,
        "options":{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-client-side-apply"}}}
        """#

    @Test func decodesWhatTheAPIServerSends() throws {
        let request = try AdmissionReview.decodeRequest(from: Data(Self.sent.utf8))
        #expect(request.uid == "0b7e8e3a-7e0c-4b0e-9d5c-1f1f2f3f4f5f")
        #expect(request.operation == .update && request.subResource == nil)
        #expect(request.resource == GroupVersionResource(group: "quartermaster.dev", version: "v1alpha1", resource: "ipfsclusters"))
        #expect(request.userInfo?.username == "alice")
        #expect(request.newObject?["spec"]?["replicas"]?.intValue == 3)
        #expect(request.storedObject?["spec"]?["replicas"]?.intValue == 1)
    }

    @Test func aCreateHasNoStoredObject() throws {
        let create = Self.sent.replacingOccurrences(of: #""operation":"UPDATE""#, with: #""operation":"CREATE""#)
            .replacingOccurrences(
                of: #""oldObject":{"apiVersion":"quartermaster.dev/v1alpha1","kind":"IPFSCluster","metadata":{"name":"files"},"spec":{"replicas":1}}"#,
                with: #""oldObject":null"#)
        let request = try AdmissionReview.decodeRequest(from: Data(create.utf8))
        #expect(request.operation == .create && request.storedObject == nil)
    }

    @Test func responsesCarryTheUIDAndNoNulls() throws {
        let allowed = String(decoding: try AdmissionReview.encodeResponse(AdmissionResponse(uid: "u", allowed: true)), as: UTF8.self)
        #expect(!allowed.contains("null"))
        #expect(allowed.contains(#""apiVersion":"admission.k8s.io/v1""#) && allowed.contains(#""uid":"u""#))
        let denied = try KubeJSON.decode(
            JSONValue.self,
            from: AdmissionReview.encodeResponse(
                AdmissionResponse(uid: "u", allowed: false, status: AdmissionResponseStatus(code: 422, reason: "Invalid", message: "no"))))
        #expect(denied.value(at: "response", "status", "message")?.stringValue == "no")
        #expect(denied.value(at: "response", "allowed")?.boolValue == false)
        #expect(denied.value(at: "response", "warnings") == nil)
    }
}
