import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct IPFSClusterValidationTests {
    typealias Reason = IPFSClusterValidation.Reason

    /// The example's spec (20Gi ipfs volume, default class), as in the served StatefulSet.
    static func example(_ configure: (inout IPFSClusterSpec) -> Void = { _ in }) -> IPFSCluster {
        persistedCluster(name: "demo", namespace: "ipfs") {
            $0.storage.ipfs.size = "20Gi"
            configure(&$0)
        }
    }

    static func reasons(_ cluster: IPFSCluster, classes: Set<String>? = ["standard"], sts: StatefulSet? = nil) -> [Reason] {
        IPFSClusterValidation.validate(cluster: cluster, storageClassNames: classes, existingStatefulSet: sts).map(\.reason)
    }

    @Test func unchangedSpecAgainstServedStatefulSetHasNoProblems() throws {
        let sts = try IPFSClusterSamples.statefulSet()
        #expect(Self.reasons(Self.example(), sts: sts) == [])
        // Same size written differently is no change.
        #expect(Self.reasons(Self.example { $0.storage.ipfs.size = "20480Mi" }, sts: sts) == [])
        // Other changes (replicas, images) are fine.
        #expect(Self.reasons(Self.example { $0.replicas = 7; $0.images.kubo = "kubo:next" }, sts: sts) == [])
    }

    @Test func storageClassMustExist() {
        let cluster = Self.example { $0.storage.cluster.storageClassName = "fast" }
        let problems = IPFSClusterValidation.validate(cluster: cluster, storageClassNames: ["standard"], existingStatefulSet: nil)
        #expect(problems.map(\.reason) == [.storageClassNotFound])
        #expect(problems.first?.message.contains("storage.cluster.storageClassName") == true)
        #expect(problems.first?.message.contains("\"fast\"") == true)
        #expect(Self.reasons(cluster, classes: ["standard", "fast"]) == [])
        #expect(Self.reasons(cluster, classes: nil) == [], "unknown classes: not checked")
    }

    @Test func shrinkingIsRefused() throws {
        let sts = try IPFSClusterSamples.statefulSet()
        let problems = IPFSClusterValidation.validate(
            cluster: Self.example { $0.storage.ipfs.size = "10Gi" }, storageClassNames: nil, existingStatefulSet: sts)
        #expect(problems.map(\.reason) == [.volumeShrinkNotAllowed])
        #expect(problems.first?.message.contains("storage.ipfs.size") == true)
        #expect(Reason.volumeShrinkNotAllowed.rawValue == "VolumeShrinkNotAllowed")
    }

    @Test func growingOrChangingClassIsNotSupported() throws {
        let sts = try IPFSClusterSamples.statefulSet()
        #expect(Self.reasons(Self.example { $0.storage.cluster.size = "2Gi" }, sts: sts) == [.storageChangeNotSupported])
        #expect(Self.reasons(Self.example { $0.storage.ipfs.storageClassName = "standard" }, sts: sts) == [.storageChangeNotSupported])
        #expect(Reason.storageChangeNotSupported.rawValue == "StorageChangeNotSupported")
        // Several problems are all reported, in a stable order.
        #expect(
            Self.reasons(
                Self.example {
                    $0.storage.ipfs.size = "1Gi"
                    $0.storage.cluster.storageClassName = "missing"
                }, sts: sts) == [.storageClassNotFound, .volumeShrinkNotAllowed, .storageChangeNotSupported])
        // A StatefulSet whose templates were created under other names.
        var other = sts
        other.spec?.volumeClaimTemplates?[0].metadata.name = "data"
        #expect(Self.reasons(Self.example(), sts: other) == [.storageChangeNotSupported])
    }

    @Test func names() {
        #expect(Self.reasons(persistedCluster(name: String(repeating: "a", count: 52))) == [])
        #expect(Self.reasons(persistedCluster(name: String(repeating: "a", count: 53))) == [.invalidName])
        #expect(Self.reasons(persistedCluster(name: "1peer")) == [.invalidName])  // Service names must start with a letter
        #expect(Self.reasons(persistedCluster(name: "my.cluster")) == [.invalidName])
        #expect(Self.reasons(persistedCluster(name: "my-cluster-2")) == [])
    }

    @Test func ingressHostsMustDiffer() {
        func cluster(_ a: String?, _ g: String?) -> IPFSCluster {
            persistedCluster { $0.exposure = .init(gateway: .init(type: .ingress, host: g), api: .init(type: .ingress, host: a)) }
        }
        #expect(Self.reasons(cluster("x.example", "x.example")) == [.ingressHostConflict])
        #expect(Self.reasons(cluster(nil, nil)) == [.hostRequired, .hostRequired])
        #expect(Self.reasons(cluster("api.example", "gw.example")) == [])
    }

    @Test("an Ingress exposure needs a valid host; other types ignore the host", arguments: [
        (IPFSClusterSpec.HTTPExposure.Kind.ingress, nil, [IPFSClusterValidation.Reason.hostRequired]),
        (.ingress, "", [.hostRequired]),
        (.ingress, "*.example.com", [.invalidHost]),
        (.ingress, "Files.Example.com", [.invalidHost]),
        (.ingress, "files..example.com", [.invalidHost]),
        (.ingress, "-files.example.com", [.invalidHost]),
        (.ingress, "files.example.com", []),
        (.loadBalancer, nil, []),
        (.clusterIP, "*.ignored", []),
    ] as [(IPFSClusterSpec.HTTPExposure.Kind, String?, [IPFSClusterValidation.Reason])])
    func ingressHostIsRequiredAndChecked(type: IPFSClusterSpec.HTTPExposure.Kind, host: String?, expected: [IPFSClusterValidation.Reason]) {
        let cluster = persistedCluster { $0.exposure.gateway = .init(type: type, host: host) }
        #expect(Self.reasons(cluster) == expected)
        let problems = IPFSClusterValidation.validate(cluster: cluster, storageClassNames: nil, existingStatefulSet: nil)
        #expect(problems.allSatisfy { $0.message.hasPrefix("exposure.gateway.host: ") })
    }

    @Test func aHostConflictNamesTheHolderOnlyInTheSameNamespace() throws {
        let host = try HostName.parse("files.example.com").get()
        let other = HostClaimHolder(group: "quartermaster.dev", kind: "IPFSCluster", namespace: "tenant-b", name: "secret-project", uid: "u2")
        let elsewhere = IPFSClusterValidation.hostConflict(
            host: host, fields: ["exposure.gateway.host"], holder: other, namespace: "tenant-a")
        #expect(elsewhere.reason == .hostConflict)
        #expect(!elsewhere.message.contains("tenant-b") && !elsewhere.message.contains("secret-project"))
        #expect(elsewhere.message.contains("files.example.com") && elsewhere.message.contains("another namespace"))
        #expect(elsewhere.message.contains(HostClaim.name(for: host)))
        let here = IPFSClusterValidation.hostConflict(host: host, fields: [], holder: other, namespace: "tenant-b")
        #expect(here.message.contains("IPFSCluster secret-project in this namespace"))
    }

    @Test func desiredStateErrorsBecomeProblems() {
        let p = IPFSClusterValidation.problem(for: .invalidSecret(.invalid("kubo-2.key")))
        #expect(p.reason == .invalidIdentitiesSecret)
        #expect(p.message.contains("kubo-2.key"))
        #expect(IPFSClusterValidation.problem(for: .invalidQuantity(field: "spec.x")).reason == .invalidSpec)
    }
}
