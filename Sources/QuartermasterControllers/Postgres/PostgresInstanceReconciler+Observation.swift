import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// What one reconcile read of a PostgresInstance's objects, before changing anything (the pure
/// functions get the condensed ``PostgresInstanceObservation``).
struct PostgresInstanceObservedObjects: Sendable {
    /// By name, each kind.
    var pods: [String: Pod]
    var claims: [String: PersistentVolumeClaim]
    var services: [String: Service]
    var secrets: [String: Secret]
    var serviceAccounts: [String: ServiceAccount]
    var roles: [String: Role]
    var roleBindings: [String: RoleBinding]
    var networkPolicies: [String: NetworkPolicy]
    var deployments: [String: Deployment]
    var podDisruptionBudgets: [String: PodDisruptionBudget]
    /// `true`/`false` when discovery answered, `nil` when it failed.
    var podDisruptionBudgetServed: Bool?
    /// Reports of the instance managers that answered, by pod name.
    var reports: [String: InstanceReport]
    /// `<name>-app` as stored, once ensured (or as cached).
    var appSecret: Secret?
    /// Namespaces of `spec.secretNamespaces` holding a Secret of the app Secret's name that is
    /// not this instance's copy.
    var secretCopyConflicts: [String] = []
    /// The namespace's Tenant, when it is suspended.
    var suspendedByTenant: String?
    var names: PostgresInstanceNames

    /// The instance pods (named `<name>-<n>`), by serial.
    var instancePods: [(serial: Int, pod: Pod)] {
        pods.compactMap { name, pod in names.serial(of: name).map { ($0, pod) } }.sorted { $0.serial < $1.serial }
    }

    func condensed(problems: [PostgresInstanceProblem]) -> PostgresInstanceObservation {
        PostgresInstanceObservation(
            pods: instancePods.map { serial, pod in
                PostgresInstanceObservation.ObservedPod(
                    name: pod.metadata.name ?? "", serial: serial, podIP: pod.status?.podIP.flatMap { $0.isEmpty ? nil : $0 },
                    ready: pod.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false,
                    deleting: pod.metadata.deletionTimestamp != nil,
                    specHash: pod.metadata.annotations?[PostgresInstanceDesiredState.podSpecHashAnnotation],
                    roleLabel: pod.metadata.labels?[PostgresInstanceLabels.roleKey])
            },
            claimSerials: claims.values.compactMap { claim in
                guard let name = claim.metadata.name else { return nil }
                return names.serial(of: name)
            },
            reports: reports, problems: problems, podDisruptionBudgetServed: podDisruptionBudgetServed ?? false,
            credentialsExist: appSecret != nil || secrets[names.appSecret] != nil,
            poolerDeployment: deployments[names.poolerDeployment], secretCopyConflicts: secretCopyConflicts,
            suspendedByTenant: suspendedByTenant)
    }
}

extension PostgresInstanceReconciler {
    /// Reads the instance's objects from the caches (those labelled with its name and
    /// `managed-by`, in its namespace), asks discovery whether `policy/v1` is served, and polls
    /// the report of every pod that has an IP and is not being deleted. Sends no write.
    func observe(_ instance: PostgresInstance, logger: Logger) async throws -> PostgresInstanceObservedObjects {
        let name = instance.metadata.name ?? ""
        let namespace = instance.metadata.namespace ?? ""
        let selector = PostgresInstanceLabels.ownedSelector(instance: name)
        func owned<T: KubeResource>(_ store: Store<T>) -> [String: T] {
            let objects = store.list(namespace: namespace).filter { o in
                let labels = o.metadata.labels ?? [:]
                return selector.allSatisfy { labels[$0.key] == $0.value }
            }
            return Dictionary(objects.map { ($0.metadata.name ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }
        var served: Bool?
        do {
            served = try await discovery.serves(PodDisruptionBudget.resource)
        } catch {
            logger.warning("discovery of policy/v1 failed; will retry", metadata: ["error": "\(error)"])
        }
        let pods = owned(caches.pods)
        let names = PostgresInstanceNames(instance: name)
        let reports = await poll(pods.values.filter { p in
            p.metadata.deletionTimestamp == nil && names.serial(of: p.metadata.name ?? "") != nil
                && p.metadata.isControlled(byUID: instance.metadata.uid ?? "")
        }, logger: logger)
        return PostgresInstanceObservedObjects(
            pods: pods, claims: owned(caches.claims), services: owned(caches.services), secrets: owned(caches.secrets),
            serviceAccounts: owned(caches.serviceAccounts), roles: owned(caches.roles),
            roleBindings: owned(caches.roleBindings), networkPolicies: owned(caches.networkPolicies),
            deployments: owned(caches.deployments),
            podDisruptionBudgets: served == true ? owned(caches.podDisruptionBudgets) : [:],
            podDisruptionBudgetServed: served, reports: reports, appSecret: nil, names: names)
    }

    /// The reports of `pods` (those with an IP), polled at once; a pod that does not answer, or
    /// answers about another pod, has none.
    func poll(_ pods: [Pod], logger: Logger) async -> [String: InstanceReport] {
        let client = statusClient
        let targets = pods.compactMap { pod -> (String, String)? in
            guard let name = pod.metadata.name, let ip = pod.status?.podIP, !ip.isEmpty else { return nil }
            return (name, ip)
        }
        return await withTaskGroup(of: (String, InstanceReport?).self) { group in
            for (name, ip) in targets {
                group.addTask {
                    do {
                        return (name, try await client.report(podIP: ip))
                    } catch {
                        logger.debug("no report from instance", metadata: ["pod": "\(name)", "error": "\(error)"])
                        return (name, nil)
                    }
                }
            }
            var reports: [String: InstanceReport] = [:]
            for await (name, report) in group {
                guard var report else { continue }
                if report.pod.isEmpty { report.pod = name }
                if report.pod == name { reports[name] = report }
            }
            return reports
        }
    }
}
