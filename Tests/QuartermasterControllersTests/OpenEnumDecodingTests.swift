import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// Enum values the operator does not know decode, and the object is reported `Stalled`
/// instead of vanishing from the cache.
@Suite("Unknown enum values")
struct OpenEnumDecodingTests {
    func ipfs(_ spec: String) throws -> IPFSCluster {
        try KubeJSON.decode(
            IPFSCluster.self,
            from: Data(#"{"metadata":{"name":"c","namespace":"t","uid":"u"},"spec":\#(spec)}"#.utf8))
    }

    @Test(arguments: [
        (#"{"pvcRetention":"Someday"}"#, "spec.pvcRetention: unknown value \"Someday\" (known: Retain, Delete)"),
        (#"{"exposure":{"api":{"type":"NodePort"}}}"#, "spec.exposure.api.type: unknown value \"NodePort\""),
        (#"{"exposure":{"gateway":{"type":"Route"}}}"#, "spec.exposure.gateway.type: unknown value \"Route\""),
        (#"{"exposure":{"swarm":{"type":"HostPort"}}}"#, "spec.exposure.swarm.type: unknown value \"HostPort\""),
    ])
    func ipfsClusterEnums(spec: String, message: String) throws {
        let cluster = try ipfs(spec)
        let problems = IPFSClusterValidation.validate(cluster: cluster, storageClassNames: nil, existingStatefulSet: nil)
        #expect(problems.first?.reason == .invalidSpec)
        #expect(problems.first?.message.hasPrefix(message) == true, "\(problems)")
    }

    @Test func knownValuesDecodeAsBefore() throws {
        let cluster = try ipfs(#"{"pvcRetention":"Delete","exposure":{"api":{"type":"Ingress","host":"a.b"}}}"#)
        #expect(cluster.spec.pvcRetention == .delete && cluster.spec.exposure.api.type == .ingress)
        #expect(cluster.spec.unrecognizedValues.isEmpty)
    }

    @Test(arguments: [
        (#"{"tier":"platinum"}"#, "spec.tier: unknown value \"platinum\""),
        (#"{"owners":[{"kind":"Robot","name":"r2"}]}"#, "spec.owners.0.kind: unknown value \"Robot\""),
    ])
    func tenantEnums(spec: String, message: String) throws {
        let tenant = try KubeJSON.decode(
            Tenant.self, from: Data(#"{"metadata":{"name":"acme","uid":"u"},"spec":\#(spec)}"#.utf8))
        #expect(throws: TenantSpecError.self) { try TenantDesiredState.compute(tenant: tenant) }
        do {
            _ = try TenantDesiredState.compute(tenant: tenant)
        } catch {
            #expect(error.description.hasPrefix(message), "\(error)")
        }
    }

    @Test("a status written by another version is dropped (and rewritten), never making the object unreadable")
    func unknownStatusIsDropped() throws {
        let cluster = try KubeJSON.decode(
            IPFSCluster.self,
            from: Data(#"{"metadata":{"name":"c","namespace":"t"},"spec":{},"status":{"phase":"Hibernating"}}"#.utf8))
        #expect(cluster.status == nil)
        let resource = try KubeJSON.decode(
            Resource.self,
            from: Data(#"{"metadata":{"name":"r","namespace":"t"},"spec":{"template":"small-storage"},"status":{"stages":[{"name":"Teleport","state":"Done"}]}}"#.utf8))
        #expect(resource.status == nil)
    }
}
