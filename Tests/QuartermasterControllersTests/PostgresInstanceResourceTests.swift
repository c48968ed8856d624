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
    }

    /// What each template asks of the quota, counted from the objects the PostgresInstance
    /// controller renders (``PostgresInstanceDesiredState/quotaObjects(for:)``).
    struct Counts: Sendable, CustomTestStringConvertible {
        var template: String
        var pods: Int
        var requests: (cpu: Quantity, memory: Quantity)
        var limits: (cpu: Quantity, memory: Quantity)
        var claims: Int
        var storage: Quantity
        /// Services by type: ClusterIP (headless included), LoadBalancer; node ports.
        var services: (clusterIP: Int, loadBalancer: Int, nodePorts: Int)
        var secrets: Int
        var deployments: Int
        var networkPolicies: Int
        var disruptionBudgets: Int
        var testDescription: String { template }
    }

    static let templateCounts: [Counts] = [
        // A primary (2 CPU, 4Gi; its bootstrap asks for no more) and two pooler pods (100m,
        // 64Mi each; limits 500m, 128Mi); -rw, -ro, -r, -headless and -pooler.
        Counts(
            template: "postgres-small", pods: 3, requests: ("2200m", "4224Mi"), limits: ("3", "4352Mi"), claims: 1,
            storage: "10Gi", services: (5, 0, 0), secrets: 5, deployments: 1, networkPolicies: 2, disruptionBudgets: 0),
        // A primary and a replica (4 CPU, 16Gi each), a 50Gi claim each, the primary's budget.
        Counts(
            template: "postgres-medium", pods: 2, requests: ("8", "32Gi"), limits: ("8", "32Gi"), claims: 2,
            storage: "100Gi", services: (4, 0, 0), secrets: 5, deployments: 0, networkPolicies: 1, disruptionBudgets: 1),
    ]

    @Test(arguments: templateCounts) func theFootprintIsWhatTheControllerRenders(_ expected: Counts) throws {
        let q = try footprint(expected.template)
        #expect(q.pods == expected.pods)
        #expect(q.cpu == expected.requests.cpu && q.memory == expected.requests.memory)
        #expect(q.quotaUsage["cpu"] == expected.requests.cpu && q.quotaUsage["memory"] == expected.requests.memory)
        #expect(q.limitsCPU == expected.limits.cpu && q.limitsMemory == expected.limits.memory)
        #expect(q.persistentVolumeClaims == expected.claims && q.storage == expected.storage)
        #expect(q.services == expected.services.clusterIP + expected.services.loadBalancer)
        #expect(q.loadBalancers == expected.services.loadBalancer && q.nodePorts == expected.services.nodePorts)
        #expect(q.objectCount(Secret.resource) == expected.secrets)
        #expect(q.objectCount(Deployment.resource) == expected.deployments)
        #expect(q.objectCount(NetworkPolicy.resource) == expected.networkPolicies)
        #expect(q.objectCount(PodDisruptionBudget.resource) == expected.disruptionBudgets)
        #expect(q.objectCount(PostgresInstance.resource) == 1)
        #expect(q.objectCount(ServiceAccount.resource) == 1 && q.objectCount(Role.resource) == 1)

        // The same figures as the objects the reconciler renders for that spec, counted directly.
        let resolved = try ResourceTemplateCatalog.resolve(ResourceSpec(template: expected.template))
        let instance = PostgresInstance(
            metadata: ObjectMeta(name: "pg", namespace: "ns"), spec: try resolved.childSpec(suspended: false).decode())
        let desired = try PostgresInstanceDesiredState.compute(
            instance: instance, observation: PostgresInstanceObservation(),
            settings: .init(operatorImage: ControllerSettings.defaultPostgresOperatorImage))
        var rendered = ResourceFootprint(objects: desired.pods + desired.claims + desired.services)
        if let pooler = desired.poolerDeployment { rendered.add(pooler) }
        #expect(rendered.cpu == q.cpu && rendered.memory == q.memory && rendered.storage == q.storage)
        #expect(rendered.pods == q.pods && rendered.persistentVolumeClaims == q.persistentVolumeClaims)
    }

    @Test func aLoadBalancerExposureCountsItsNodePort() throws {
        let spec = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-small")).childSpec(suspended: false)
            .setting(["type": "LoadBalancer"], at: "/exposure")
        let q = try ResourceOffering.postgresInstance.footprint(spec: spec)
        #expect(q.services == 5 && q.loadBalancers == 1 && q.nodePorts == 1)
    }

    @Test func aWALVolumeAndSuspensionCount() throws {
        let instance = PostgresInstance(
            metadata: ObjectMeta(name: "pg", namespace: "ns"),
            spec: PostgresInstanceSpec(instances: 2, walStorage: .init(size: "2Gi", storageClassName: "fast"), suspended: true))
        let q = ResourceFootprint(objects: try PostgresInstanceDesiredState.quotaObjects(for: instance))
        #expect(q.pods == 0 && q.persistentVolumeClaims == 4 && q.storage == "24Gi")
        #expect(q.quotaUsage["fast.storageclass.storage.k8s.io/requests.storage"] == "4Gi")
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

    /// The pooler's pods are the controller manager's (its Deployment exists once the instance
    /// reports): a small instance whose primary exists reserves nothing more, for good.
    @Test func theDeploymentsPodsAreNotReservedByTheInstancesCount() throws {
        let spec = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-small")).childSpec(suspended: false)
        let offering = try ResourceOffering.offering(for: PostgresInstance.resource)
        let none = try offering.pendingFootprint(spec: spec, createdPods: 0)
        #expect(none.pods == 1 && none.cpu == "2" && none.memory == "4Gi")
        #expect(try offering.pendingFootprint(spec: spec, createdPods: 1).quotaUsage.isEmpty)
        #expect(try offering.pendingFootprint(spec: spec, createdPods: nil).pods == 3)
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
