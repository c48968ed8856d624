import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct ResourceFootprintTests {
    struct Expected {
        var template: String
        var parameters: ResourceParameters?
        var cpu, memory, limitsCPU, limitsMemory, storage: String
        var pvcs, pods: Int
        var disruptionBudgets: Int
    }

    /// The figures of the `ResourceTemplateCatalog` documentation (before footprints were
    /// computed, they were these constants times the replicas).
    static let expected: [Expected] = [
        Expected(
            template: "ipfs-cluster-small", cpu: "1080m", memory: "2064Mi", limitsCPU: "4800m", limitsMemory: "4128Mi",
            storage: "33Gi", pvcs: 6, pods: 3, disruptionBudgets: 1),
        Expected(
            template: "ipfs-cluster-small", parameters: ResourceParameters(size: "20Gi", replicas: 5), cpu: "1800m",
            memory: "3440Mi", limitsCPU: "8", limitsMemory: "6880Mi", storage: "105Gi", pvcs: 10, pods: 5,
            disruptionBudgets: 1),
        Expected(
            template: "small-storage", cpu: "360m", memory: "688Mi", limitsCPU: "1600m", limitsMemory: "1376Mi",
            storage: "6Gi", pvcs: 2, pods: 1, disruptionBudgets: 0),
        Expected(
            template: "small-storage", parameters: ResourceParameters(size: "4Gi"), cpu: "360m", memory: "688Mi",
            limitsCPU: "1600m", limitsMemory: "1376Mi", storage: "5Gi", pvcs: 2, pods: 1, disruptionBudgets: 0),
        Expected(
            template: "medium-storage", cpu: "360m", memory: "688Mi", limitsCPU: "1600m", limitsMemory: "1376Mi",
            storage: "26Gi", pvcs: 2, pods: 1, disruptionBudgets: 0),
        Expected(
            template: "large-storage", cpu: "360m", memory: "688Mi", limitsCPU: "1600m", limitsMemory: "1376Mi",
            storage: "101Gi", pvcs: 2, pods: 1, disruptionBudgets: 0),
    ]

    @Test func everyTemplatesFootprintIsTheDocumentedFigures() throws {
        for e in Self.expected {
            let f = try ResourceTemplateCatalog.resolve(ResourceSpec(template: e.template, parameters: e.parameters)).footprint()
            let q = f.quotaUsage
            let label = "\(e.template) \(String(describing: e.parameters))"
            #expect(q["requests.cpu"]?.description == e.cpu, "\(label)")
            #expect(q["cpu"]?.description == e.cpu, "\(label)")
            #expect(q["requests.memory"]?.description == e.memory, "\(label)")
            #expect(q["memory"]?.description == e.memory, "\(label)")
            #expect(q["limits.cpu"]?.description == e.limitsCPU, "\(label)")
            #expect(q["limits.memory"]?.description == e.limitsMemory, "\(label)")
            #expect(q["requests.storage"]?.description == e.storage, "\(label)")
            #expect(f.persistentVolumeClaims == e.pvcs && q["count/persistentvolumeclaims"] == Quantity(Decimal(e.pvcs)))
            #expect(f.pods == e.pods && q["count/pods"] == Quantity(Decimal(e.pods)))
            // headless, API and gateway; all ClusterIP.
            #expect(f.services == 3 && q["count/services"] == 3, "\(label)")
            #expect(f.loadBalancers == 0 && f.nodePorts == 0, "\(label)")
            #expect(f.objectCount(IPFSCluster.resource) == 1)
            #expect(q["count/ipfsclusters.quartermaster.dev"] == 1)
            #expect(q["count/secrets"] == 1 && q["secrets"] == 1 && q["count/configmaps"] == 1 && q["configmaps"] == 1)
            #expect(q["count/statefulsets.apps"] == 1 && q["count/networkpolicies.networking.k8s.io"] == 1)
            #expect(f.objectCount(PodDisruptionBudget.resource) == e.disruptionBudgets, "\(label)")
        }
    }

    /// The spec of `template`'s child with `change` applied, and its footprint.
    func footprint(_ template: String, _ change: (inout JSONValue) throws -> Void) throws -> ResourceFootprint {
        var spec = try ResourceTemplateCatalog.resolve(ResourceSpec(template: template)).childSpec(suspended: false)
        try change(&spec)
        return try ResourceOffering.ipfsCluster.footprint(spec: spec)
    }

    @Test func theFootprintFollowsWhatTheIPFSClusterControllerRenders() throws {
        let base = try footprint("ipfs-cluster-small") { _ in }

        // An API exposed through a LoadBalancer: one load balancer, one node port (its port).
        let api = try footprint("ipfs-cluster-small") { $0 = try $0.setting("LoadBalancer", at: "/exposure/api/type") }
        #expect(api.services == base.services)
        #expect(api.loadBalancers == 1 && api.nodePorts == 1)

        // The swarm exposed per peer: one more LoadBalancer Service per node.
        let swarm = try footprint("ipfs-cluster-small") { $0 = try $0.setting("LoadBalancer", at: "/exposure/swarm/type") }
        #expect(swarm.services == base.services + 3)
        #expect(swarm.loadBalancers == 3 && swarm.nodePorts == 3)

        // More replicas: more pods, claims, requests.
        let four = try footprint("ipfs-cluster-small") { $0 = try $0.setting(4, at: "/replicas") }
        #expect(four.pods == 4 && four.persistentVolumeClaims == 8)
        #expect(four.cpu.description == "1440m" && four.storage.description == "44Gi")

        // Without the template's explicit resources the IPFSCluster's own defaults count
        // (kubo 250m/512Mi, cluster 100m/256Mi, no CPU limit), plus the metrics proxy's fixed
        // 10m/48Mi with its 100m CPU limit.
        let defaults = try footprint("ipfs-cluster-small") { $0["resources"] = nil }
        #expect(defaults.cpu.description == "1080m")
        #expect(defaults.memory.description == "2448Mi")
        #expect(defaults.quotaUsage["limits.cpu"]?.description == "300m")

        // A storage class also counts against that class's quota.
        let classed = try footprint("small-storage") { $0 = try $0.setting("fast", at: "/storage/ipfs/storageClassName") }
        #expect(classed.quotaUsage["fast.storageclass.storage.k8s.io/requests.storage"]?.description == "5Gi")
        #expect(classed.quotaUsage["fast.storageclass.storage.k8s.io/persistentvolumeclaims"] == 1)
    }

    @Test func aSuspendedChildIsCheckedAsIfRunning() throws {
        let resolved = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "small-storage"))
        let suspended = try ResourceOffering.ipfsCluster.footprint(spec: resolved.childSpec(suspended: true))
        #expect(suspended.pods == 0, "a suspended IPFSCluster renders no pods")
        #expect(try resolved.footprint().pods == 1, "the quota check counts the running child")
    }

    @Test func objectCountQuotaOfTheChildKindIsChecked() throws {
        let needs = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "small-storage")).footprint().quotaUsage
        let quota = ResourceQuotaStatus(
            hard: ["count/ipfsclusters.quartermaster.dev": "1"], used: ["count/ipfsclusters.quartermaster.dev": "1"])
        #expect(
            QuotaCheck.check(needs: needs, quota: quota).message
                == "count/ipfsclusters.quartermaster.dev: needs 1, 0 of 1 hard remains (1 used)")
    }

    @Test func podsFollowTheQuotaEvaluatorsRules() {
        let pod = Pod(
            metadata: ObjectMeta(name: "p"),
            spec: PodSpec(
                containers: [
                    Container(name: "a", image: "a", resources: ResourceRequirements(requests: ["cpu": "100m", "memory": "64Mi"])),
                    // A limit without a request requests the limit.
                    Container(name: "b", image: "b", resources: ResourceRequirements(limits: ["cpu": "200m", "memory": "128Mi"])),
                ],
                initContainers: [
                    Container(name: "i", image: "i", resources: ResourceRequirements(requests: ["cpu": "1", "memory": "32Mi"]))
                ]))
        let f = ResourceFootprint(objects: [pod])
        #expect(f.cpu == Quantity("1"), "the largest init container wins over the sum")
        #expect(f.memory == Quantity("192Mi"))
        #expect(f.limitsCPU == Quantity("200m") && f.limitsMemory == Quantity("128Mi"))
        #expect(f.pods == 1 && f.quotaUsage["count/pods"] == 1)

        let service = Service(
            metadata: ObjectMeta(name: "s"),
            spec: ServiceSpec(type: "NodePort", ports: [ServicePort(port: 80), ServicePort(port: 443)]))
        let claim = PersistentVolumeClaim(
            metadata: ObjectMeta(name: "c"),
            spec: PersistentVolumeClaimSpec(resources: ResourceRequirements(requests: ["storage": "3Gi"])))
        let both = ResourceFootprint(objects: [service, claim, ConfigMap(metadata: ObjectMeta(name: "m"))])
        #expect(both.nodePorts == 2 && both.loadBalancers == 0 && both.services == 1)
        #expect(both.storage == Quantity("3Gi") && both.persistentVolumeClaims == 1)
        #expect(both.quotaUsage["count/configmaps"] == 1)
        #expect((f + both).quotaUsage.count == f.quotaUsage.count + both.quotaUsage.count)
    }
}
