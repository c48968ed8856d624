import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct AppDeploymentDesiredStateTemplateHashTests {
    typealias S = AppDeploymentSamples

    func hash(_ context: AppDeploymentContext) throws -> String { try AppDeploymentDesiredState.templateHash(context) }

    @Test func sixteenHexDigitsAndWhatComputeReports() throws {
        let context = S.context()
        let h = try hash(context)
        #expect(h.count == 16)
        #expect(h.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(try AppDeploymentDesiredState.compute(context).templateHash == h)
    }

    @Test func stableAcrossDigestsRevisionsAndWhatThePodsDoNotSee() throws {
        let base = try hash(S.context())
        let same: [(String, AppDeploymentContext)] = [
            ("digest", S.context(image: S.digestB)),
            ("revision", S.context(revision: 9)),
            ("tag in spec", S.context { $0.image = "ghcr.io/acme/web:1.5" }),
            ("replicas", S.context { $0.replicas = 4 }),
            ("autoscaling", S.context { $0.autoscaling = .init(minReplicas: 2, maxReplicas: 5) }),
            ("suspended", S.context { $0.suspended = true }),
            ("exposure", S.context { $0.expose = .init(serviceType: .loadBalancer, host: "web.example.com") }),
            ("progress deadline", S.context { $0.progressDeadlineSeconds = 60 }),
            ("served APIs", S.context { _ in } edit: { $0.servedAPIs = .init(autoscalingV2: false, policyV1: false) }),
            ("current replicas", S.context { _ in } edit: { $0.currentReplicas = 7 }),
        ]
        for (what, context) in same { #expect(try hash(context) == base, "\(what)") }
    }

    @Test func changesWithWhatThePodsSee() throws {
        let base = try hash(S.context())
        let different: [(String, AppDeploymentContext)] = [
            ("env", S.context { $0.env = [EnvVar(name: "A", value: "1")] }),
            ("env value", S.context { $0.env = [EnvVar(name: "A", value: "2")] }),
            ("envFrom", S.context { $0.envFrom = [EnvFromSource(secretRef: .init(name: "s"))] }),
            ("command", S.context { $0.command = ["/app/server"] }),
            ("args", S.context { $0.args = ["--flag"] }),
            ("port", S.context { $0.port = 9000 }),
            ("health check", S.context { $0.healthCheck = .init(path: "/healthz") }),
            ("resources", S.context { $0.resources = .init(requests: ["cpu": "1"]) }),
            ("volume", S.context { $0.volume = .init(size: "1Gi", mountPath: "/data") }),
            ("mount path", S.context { $0.volume = .init(size: "1Gi", mountPath: "/srv") }),
            ("pull secrets", S.context { $0.imagePullSecrets = ["regcred"] }),
            ("database secret", S.context { _ in } edit: { $0.databaseSecretName = "web-db-app" }),
            ("ipfs", S.context { _ in } edit: { $0.ipfs = .init(cluster: "node", namespace: "team-a") }),
            (
                "node selector",
                S.context { _ in } edit: {
                    $0.tenant = TenantEnforcement(tenant: "t", suspended: false, policy: TenantPolicy(nodeSelector: ["a": "b"]))
                }
            ),
        ]
        var seen = [base]
        for (what, context) in different {
            let h = try hash(context)
            #expect(!seen.contains(h), "\(what)")
            seen.append(h)
        }
    }
}

@Suite struct AppDeploymentDesiredStateQuotaTests {
    typealias S = AppDeploymentSamples

    @Test func podsAtTheMostReplicasPlusTheSurgePodAndTheClaim() throws {
        struct Row {
            var what: String
            var change: (inout AppDeploymentSpec) -> Void
            var pods: Int
            var storage: Quantity?
        }
        let rows = [
            Row(what: "defaults: one pod and the rolling update's surge pod", change: { _ in }, pods: 2),
            Row(what: "replicas", change: { $0.replicas = 3 }, pods: 4),
            Row(what: "autoscaling max", change: { $0.autoscaling = .init(minReplicas: 2, maxReplicas: 6) }, pods: 7),
            Row(
                what: "ReadWriteOnce: Recreate, no surge", change: { $0.volume = .init(size: "3Gi", mountPath: "/data") },
                pods: 1, storage: "3Gi"),
            Row(
                what: "ReadWriteMany: surge",
                change: {
                    $0.replicas = 2
                    $0.volume = .init(size: "3Gi", mountPath: "/data", accessMode: .readWriteMany)
                }, pods: 3, storage: "3Gi"),
            Row(what: "suspended is checked as running", change: { $0.suspended = true }, pods: 2),
        ]
        for row in rows {
            let f = try AppDeploymentDesiredState.quotaFootprint(S.context(row.change))
            let q = f.quotaUsage
            #expect(f.pods == row.pods, "\(row.what)")
            #expect(f.cpu == Quantity("100m") * row.pods, "\(row.what)")
            #expect(f.memory == Quantity("128Mi") * row.pods, "\(row.what)")
            #expect(f.limitsCPU == Quantity("500m") * row.pods, "\(row.what)")
            #expect(f.limitsMemory == Quantity("256Mi") * row.pods, "\(row.what)")
            #expect(q["requests.storage"] == row.storage, "\(row.what)")
            #expect(f.persistentVolumeClaims == (row.storage == nil ? 0 : 1), "\(row.what)")
            #expect(f.services == 1 && f.objectCount(Deployment.resource) == 1, "\(row.what)")
        }
    }

    @Test func loadBalancerAndTheDatabaseTemplateCount() throws {
        let context = S.context {
            $0.expose = .init(serviceType: .loadBalancer)
            $0.database = .init(template: "postgres-small")
        }
        let f = try AppDeploymentDesiredState.quotaFootprint(context)
        let database = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-small")).footprint()
        #expect(f.loadBalancers == 1)
        #expect(f.quotaUsage["count/resources.quartermaster.dev"] == 1)
        #expect(f.objectCount(PostgresInstance.resource) == 1)
        #expect(f.pods == 2 + database.pods)
        #expect(f.cpu == Quantity("200m") + database.cpu)
        // The same figures the quota check compares with a quota's headroom.
        let quota = ResourceQuotaStatus(hard: ["requests.cpu": f.cpu - Quantity("1m")], used: [:])
        #expect(QuotaCheck.check(needs: f.quotaUsage, quota: quota) != .fits)
        #expect(QuotaCheck.check(needs: f.quotaUsage, quota: ResourceQuotaStatus(hard: ["requests.cpu": f.cpu], used: [:])) == .fits)
    }

    @Test func aDatabaseTemplateTheCatalogRefusesIsInvalidSpec() throws {
        let error = try #require(throws: AppDeploymentProblem.self) {
            try AppDeploymentDesiredState.quotaFootprint(S.context { $0.database = .init(template: "mysql-huge") })
        }
        #expect(error.reason == .invalidSpec)
        #expect(error.message.hasPrefix("spec.database: "))
        #expect(error.message.contains("mysql-huge"))
    }

    @Test func quotaObjectsAreTheAppliedObjectsWithTheMostPods() throws {
        let context = S.context {
            $0.autoscaling = .init(minReplicas: 2, maxReplicas: 4)
            $0.volume = .init(size: "1Gi", mountPath: "/data", accessMode: .readWriteMany)
        }
        let objects = try AppDeploymentDesiredState.quotaObjects(context)
        let desired = try AppDeploymentDesiredState.compute(context)
        #expect(objects.count == desired.all.count)
        let deployment = try #require(objects.compactMap { $0 as? Deployment }.first)
        #expect(deployment.spec?.replicas == 5)
        var expected = desired.deployment
        expected.spec?.replicas = 5
        #expect(deployment == expected)
    }
}
