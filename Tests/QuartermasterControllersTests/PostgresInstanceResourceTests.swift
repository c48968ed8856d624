import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// PostgresInstances as Resources: the templates, their quota footprint, the tiers they fit,
/// and where a Resource reads the child's endpoint and credentials.
@Suite struct PostgresInstanceResourceTests {
    func footprint(_ template: String) throws -> ResourceFootprint {
        try ResourceTemplateCatalog.resolve(ResourceSpec(template: template)).footprint()
    }

    @Test func postgresSmallIsOnePrimaryWithThePooler() throws {
        let spec = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-small")).childSpec(suspended: false)
        let decoded: PostgresInstanceSpec = try spec.decode()
        #expect(decoded.instances == 1 && decoded.pooler.enabled && decoded.storage.size == "10Gi")
        #expect(decoded.resources.requests == ["cpu": "2", "memory": "4Gi"] && decoded.resources.limits == decoded.resources.requests)
        let q = try footprint("postgres-small")
        // The instance (2 CPU, 4Gi) and two pooler pods (100m, 64Mi each; limits 500m, 128Mi).
        #expect(q.cpu.description == "2200m" && q.memory.description == "4224Mi")
        #expect(q.limitsCPU.description == "3" && q.limitsMemory.description == "4352Mi")
        #expect(q.storage.description == "10Gi" && q.persistentVolumeClaims == 1)
        #expect(q.pods == 3 && q.services == 5 && q.loadBalancers == 0)
        #expect(q.objectCount(PostgresInstance.resource) == 1)
    }

    @Test func postgresMediumIsAPrimaryAndAReplica() throws {
        let q = try footprint("postgres-medium")
        #expect(q.cpu.description == "8" && q.memory.description == "32Gi")
        #expect(q.storage.description == "100Gi" && q.persistentVolumeClaims == 2 && q.pods == 2 && q.services == 4)
        #expect(q.objectCount(PodDisruptionBudget.resource) == 1)
    }

    @Test func aWALVolumeAndSuspensionCount() throws {
        let instance = PostgresInstance(
            metadata: ObjectMeta(name: "pg", namespace: "ns"),
            spec: PostgresInstanceSpec(instances: 2, walStorage: .init(size: "2Gi", storageClassName: "fast"), suspended: true))
        let q = ResourceFootprint(objects: try PostgresInstanceFootprint.objects(for: instance))
        #expect(q.pods == 0 && q.persistentVolumeClaims == 4 && q.storage.description == "24Gi")
        #expect(q.quotaUsage["fast.storageclass.storage.k8s.io/requests.storage"]?.description == "4Gi")
    }

    @Test func theTemplatesFitTheTiersTheyAreMeantFor() throws {
        func fits(_ template: String, _ tier: TenantTier) throws -> Bool {
            let q = try footprint(template)
            let hard = tier.quota.hard
            let quotaFits = q.quotaUsage.allSatisfy { key, amount in hard[key].map { amount <= $0 } ?? true }
            let max = tier.limits.max
            let spec: PostgresInstanceSpec = try ResourceTemplateCatalog.resolve(ResourceSpec(template: template))
                .childSpec(suspended: false).decode()
            let containerFits = ["cpu", "memory"].allSatisfy { name in
                guard let limit = spec.resources.limits?[name].flatMap(Quantity.init(parsing:)) else { return false }
                let bound = name == "cpu" ? max?.cpu : max?.memory
                return bound.map { limit <= $0 } ?? true
            }
            return quotaFits && containerFits
        }
        #expect(try !fits("postgres-small", .free))
        #expect(try fits("postgres-small", .basic))
        #expect(try !fits("postgres-medium", .basic))
        #expect(try fits("postgres-medium", .pro))
    }

    @Test func podsAlreadyCreatedAreNotReservedAgain() throws {
        let resolved = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-medium"))
        let offering = try ResourceOffering.offering(for: PostgresInstance.resource)
        let spec = try resolved.childSpec(suspended: false)
        let pending = try offering.pendingFootprint(spec: spec, createdPods: 1)
        #expect(pending.pods == 1 && pending.cpu.description == "4" && pending.persistentVolumeClaims == 0)
        #expect(try offering.pendingFootprint(spec: spec, createdPods: 2).quotaUsage.isEmpty)
    }

    @Test func theResourceReadsTheURIWithoutPasswordAndTheAppSecret() throws {
        var instance = PostgresInstance(metadata: ObjectMeta(name: "orders", namespace: "acme"), spec: PostgresInstanceSpec())
        instance.status = PostgresInstanceStatus(
            endpoints: .init(
                rw: "orders-rw.acme.svc:5432",
                uri: PostgresInstanceStatus.Endpoints.uri(owner: "app", rw: "orders-rw.acme.svc:5432", database: "app")),
            credentialsSecretRef: .init(name: "orders-app"))
        let json = try KubeJSON.decode(JSONValue.self, from: KubeJSON.encode(instance))
        let paths = ResourceOffering.postgresInstance.statusPaths
        #expect(paths.endpoints.compactMap { json[pointer: $0]?.stringValue }.first == "postgresql://app@orders-rw.acme.svc:5432/app")
        #expect(paths.credentialsSecretName.flatMap { json[pointer: $0]?.stringValue } == "orders-app")
    }
}
