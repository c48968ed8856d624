import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// `AppDeploymentStatusComputation`: phases, the standard and the kind's own conditions, and
/// the URL, as tables of inputs.
@Suite struct AppDeploymentStatusComputationTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let digest = "sha256:" + String(repeating: "a", count: 64)

    static func deployment(_ change: (inout AppDeploymentSpec) -> Void = { _ in }, status: AppDeploymentStatus? = nil) -> AppDeployment {
        var spec = AppDeploymentSpec(image: "ghcr.io/acme/web:1")
        change(&spec)
        var d = AppDeployment(metadata: ObjectMeta(name: "web", namespace: "acme"), spec: spec, status: status)
        d.metadata.generation = 3
        d.metadata.uid = "u"
        return d
    }

    static func plan(_ state: AppDeploymentRevisionPlan.State, rolledBack: AppDeploymentRevisionPlan.RolledBackChange = .keep)
        -> AppDeploymentRevisionPlan
    {
        AppDeploymentRevisionPlan(
            revision: 2, image: "ghcr.io/acme/web@\(digest)", digest: digest,
            history: [.init(revision: 2, image: "ghcr.io/acme/web:1", digest: digest, templateHash: "1111111111111111",
                            deployedAt: "2026-12-01T10:00:00Z", outcome: state == .healthy ? .healthy : .deploying)],
            state: state, rolledBack: rolledBack, failure: state == .failed ? "revision 2 failed for good" : nil, problem: nil)
    }

    static let complete = AppDeploymentObservedRollout(
        generation: 5, observedGeneration: 5, desiredReplicas: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2)

    static func input(
        _ deployment: AppDeployment = deployment(), digest: String? = digest, plan: AppDeploymentRevisionPlan? = plan(.healthy),
        change: (inout AppDeploymentStatusInput) -> Void = { _ in }
    ) -> AppDeploymentStatusInput {
        var input = AppDeploymentStatusInput(deployment: deployment, digest: digest, plan: plan, rollout: complete)
        change(&input)
        return input
    }

    /// Each condition as "<status> <reason>", by type.
    static func conditions(_ status: AppDeploymentStatus) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (status.conditions ?? []).map { ($0.type, "\($0.status.rawValue) \($0.reason ?? "")") })
    }

    /// (case, input, phase, Ready, Reconciling, Stalled) with (status, reason) each.
    static let table: [(String, AppDeploymentStatusInput, AppDeploymentStatus.Phase, [String])] = [
        ("exposed in cluster", input(), .exposed, ["True Exposed", "False Idle", "False NoProblems"]),
        ("healthy, LB without address", input(deployment { $0.expose.serviceType = .loadBalancer }), .healthy,
         ["False Healthy", "True WaitingForAddress", "False NoProblems"]),
        ("deploying", input(plan: plan(.deploying)), .deploying, ["False Deploying", "True Deploying", "False NoProblems"]),
        ("rolling back", input(plan: plan(.rollingBack)), .rollingBack, ["False RollingBack", "True RollingBack", "False NoProblems"]),
        ("failed", input(plan: plan(.failed)), .failed,
         ["False ProgressDeadlineExceeded", "False Failed", "False NoProblems"]),
        ("resolving", input(digest: nil, plan: nil) { $0.resolvingMessage = "503 Service Unavailable" }, .queued,
         ["False Queued", "True ResolvingImage", "False NoProblems"]),
        ("quota", input { $0.quotaWait = "needs 1 CPU, 0.5 free" }, .queued, ["False Queued", "True WaitingForQuota", "False NoProblems"]),
        ("database", input(deployment { $0.database = .init(template: "postgres-small") }) { $0.database = .init(ready: false) },
         .provisioning, ["False Provisioning", "True Provisioning", "False NoProblems"]),
        ("ipfs missing", input(deployment { $0.ipfs = .init(cluster: "node") }), .provisioning,
         ["False Provisioning", "True Provisioning", "False NoProblems"]),
        ("volume claim", input(deployment { $0.volume = .init(size: "1Gi", mountPath: "/d") }), .provisioning,
         ["False Provisioning", "True Provisioning", "False NoProblems"]),
        ("volume claim there", input(deployment { $0.volume = .init(size: "1Gi", mountPath: "/d") }) { $0.volumeClaimExists = true },
         .exposed, ["True Exposed", "False Idle", "False NoProblems"]),
        ("stalled keeps the phase", input(deployment(status: .init(phase: .exposed))) {
            $0.problems = [.init(reason: .invalidSpec, message: "spec.image: bad")]
        }, .exposed, ["False InvalidSpec", "False Stalled", "True InvalidSpec"]),
        ("stalled, new", input(digest: nil, plan: nil) { $0.problems = [.init(reason: .policyViolation, message: "no")] }, .queued,
         ["False PolicyViolation", "False Stalled", "True PolicyViolation"]),
        ("suspended keeps the phase", input(deployment({ $0.suspended = true }, status: .init(phase: .exposed))), .exposed,
         ["False Suspended", "False Suspended", "False NoProblems"]),
    ]

    @Test(arguments: table.indices)
    func phasesAndStandardConditions(index: Int) {
        let (name, input, phase, expected) = Self.table[index]
        let status = AppDeploymentStatusComputation.compute(input, now: Self.now)
        #expect(status.phase == phase, "\(name)")
        let c = Self.conditions(status)
        let found = ["Ready", "Reconciling", "Stalled"].map { c[$0] ?? "absent" }
        #expect(found == expected, "\(name)")
        #expect(status.observedGeneration == 3)
        #expect(status.conditions?.allSatisfy { $0.observedGeneration == 3 } == true, "\(name)")
    }

    @Test func anUnknownRollbackRevisionStallsAndKeepsTheHistory() {
        var plan = Self.plan(.deploying)
        plan.problem = .init(reason: .unknownRevision, message: "spec.rollbackTo.revision 9 is not in status.history")
        let stored = AppDeploymentStatus(phase: .exposed, revision: 1, history: [])
        let status = AppDeploymentStatusComputation.compute(Self.input(Self.deployment(status: stored), plan: plan), now: Self.now)
        #expect(status.phase == .exposed && status.revision == 1 && status.history == [])
        #expect(Self.conditions(status)["Stalled"] == "True UnknownRevision")
    }

    @Test func theExposedStatusCarriesRevisionImageAndCounts() {
        let status = AppDeploymentStatusComputation.compute(Self.input(), now: Self.now)
        #expect(status.revision == 2 && status.history?.count == 1)
        #expect(status.image == .init(reference: "ghcr.io/acme/web:1", digest: Self.digest))
        #expect(status.replicas == 2 && status.availableReplicas == 2)
        #expect(status.url == "http://web.acme.svc:8080" && status.ip == nil)
        #expect(status.conditions?.first { $0.type == "Ready" }?.message == "revision 2 serves 2/2 replicas available at http://web.acme.svc:8080")
        #expect(status.database == nil)
    }

    static let urlTable: [(String, AppDeployment, AppDeploymentObservedExposure, String?, String?)] = [
        ("ClusterIP", deployment(), AppDeploymentObservedExposure(), "http://web.acme.svc:8080", nil),
        ("NodePort", deployment { $0.expose.serviceType = .nodePort }, AppDeploymentObservedExposure(), "http://web.acme.svc:8080", nil),
        ("LB", deployment { $0.expose.serviceType = .loadBalancer; $0.port = 9000 },
         AppDeploymentObservedExposure(serviceAddresses: [.init(ip: "203.0.113.7")]), "http://203.0.113.7:9000", "203.0.113.7"),
        ("LB hostname", deployment { $0.expose.serviceType = .loadBalancer },
         AppDeploymentObservedExposure(serviceAddresses: [.init(hostname: "lb.example.net")]), "http://lb.example.net:8080", nil),
        ("Ingress TLS", deployment { $0.expose.host = "web.apps.example.com"; $0.expose.tls = .init(issuer: "le") },
         AppDeploymentObservedExposure(ingressAddresses: [.init(ip: "198.51.100.2")]), "https://web.apps.example.com", "198.51.100.2"),
        ("Ingress path", deployment { $0.expose.host = "web.example.com"; $0.expose.path = "/app" },
         AppDeploymentObservedExposure(ingressAddresses: [.init(hostname: "elb.example.net")]), "http://web.example.com/app", nil),
        ("Ingress without address", deployment { $0.expose.host = "web.example.com" },
         AppDeploymentObservedExposure(serviceAddresses: [.init(ip: "10.0.0.1")]), nil, nil),
    ]

    @Test(arguments: urlTable.indices)
    func urls(index: Int) {
        let (name, deployment, exposure, url, ip) = Self.urlTable[index]
        let found = AppDeploymentStatusComputation.url(for: deployment, exposure: exposure)
        #expect(found?.url == url && found?.ip == ip, "\(name)")
    }

    @Test func exposureIsReadFromTheObservedObjects() throws {
        let ingress = try KubeJSON.decode(
            Ingress.self,
            from: Data(#"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"web"},"status":{"loadBalancer":{"ingress":[{"ip":"198.51.100.2"},{}]}}}"#.utf8))
        let exposure = AppDeploymentObservedExposure(ingress: ingress, service: nil)
        #expect(exposure == .init(ingressAddresses: [.init(ip: "198.51.100.2")], serviceAddresses: []))
    }

    @Test func theKindsOwnConditions() {
        func c(_ change: @escaping (inout AppDeploymentSpec) -> Void, _ edit: (inout AppDeploymentStatusInput) -> Void = { _ in })
            -> [String: String]
        {
            Self.conditions(AppDeploymentStatusComputation.compute(Self.input(Self.deployment(change), change: edit), now: Self.now))
        }
        let plain = c { _ in }
        for type in ["RolledBack", "Autoscaling", "DisruptionBudget", "DatabaseReady", "IPFSBound"] { #expect(plain[type] == nil, "\(type)") }

        let scaled = c { $0.autoscaling = .init(minReplicas: 2, maxReplicas: 5) }
        #expect(scaled["Autoscaling"] == "True Created" && scaled["DisruptionBudget"] == "True Created")
        let old = c({ $0.autoscaling = .init(minReplicas: 2, maxReplicas: 5) }) { $0.servedAPIs = .init(autoscalingV2: false, policyV1: false) }
        #expect(old["Autoscaling"] == "False NotServed" && old["DisruptionBudget"] == "False NotServed")
        #expect(c({ $0.autoscaling = .init(minReplicas: 1, maxReplicas: 5) })["DisruptionBudget"] == nil)
        #expect(c({ $0.replicas = 3 })["DisruptionBudget"] == "True Created")

        let db = c({ $0.database = .init(template: "postgres-small") }) { $0.database = .init(ready: true, secretName: "web-db-app") }
        #expect(db["DatabaseReady"] == "True Ready")
        let notYet = c({ $0.database = .init(template: "postgres-small") })
        #expect(notYet["DatabaseReady"] == "False Provisioning")

        #expect(c({ $0.ipfs = .init(cluster: "node") })["IPFSBound"] == "False NotFound")
        #expect(c({ $0.ipfs = .init(cluster: "node") }) { $0.ipfs = .notReady("Provisioning") }["IPFSBound"] == "False NotReady")
        #expect(c({ $0.ipfs = .init(cluster: "node") }) { $0.ipfs = .ready }["IPFSBound"] == "True Bound")
    }

    @Test func theDatabaseIsNamedNeverItsSecretData() throws {
        let status = AppDeploymentStatusComputation.compute(
            Self.input(Self.deployment { $0.database = .init(template: "postgres-small") }) {
                $0.database = .init(ready: true, secretName: "web-db-app")
            }, now: Self.now)
        #expect(status.database == .init(resource: "web-db", secretName: "web-db-app", ready: true))
        #expect(status.phase == .exposed)
    }

    @Test func rolledBackIsSetKeptAndRemoved() {
        let set = AppDeploymentStatusComputation.compute(
            Self.input(plan: Self.plan(.rollingBack, rolledBack: .set(message: "revision 3 rolled back to revision 2"))), now: Self.now)
        let rolled = set.conditions?.first { $0.type == "RolledBack" }
        #expect(rolled?.status == .true && rolled?.reason == "ProgressDeadlineExceeded" && rolled?.message == "revision 3 rolled back to revision 2")
        let kept = AppDeploymentStatusComputation.compute(Self.input(Self.deployment(status: set), plan: Self.plan(.healthy)), now: Self.now)
        #expect(kept.conditions?.first { $0.type == "RolledBack" } == rolled)
        #expect(kept.phase == .exposed)
        let removed = AppDeploymentStatusComputation.compute(
            Self.input(Self.deployment(status: kept), plan: Self.plan(.healthy, rolledBack: .remove)), now: Self.now)
        #expect(removed.conditions?.contains { $0.type == "RolledBack" } == false)
    }

    /// Quiet when converged: computing again from the written status gives the same status.
    @Test func aConvergedStatusIsStable() {
        let first = AppDeploymentStatusComputation.compute(Self.input(), now: Self.now)
        let again = AppDeploymentStatusComputation.compute(
            Self.input(Self.deployment(status: first)), now: Self.now.addingTimeInterval(3600))
        #expect(again == first)
    }
}
