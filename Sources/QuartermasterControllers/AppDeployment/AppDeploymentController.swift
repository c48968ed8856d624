import Foundation
import KubeClient
import KubeCore
import KubeRuntime

/// Builds the `deployment` controller (the `deployments.quartermaster.dev` kind): an
/// ``AppDeploymentReconciler`` with its caches (``AppDeploymentCaches``).
///
/// - Primary: Deployments (`quartermaster.dev`) in `settings.namespaces` (all when empty).
/// - Owned (label `app.kubernetes.io/managed-by=quartermaster`, same namespaces): apps/v1
///   Deployment, Service, Ingress, NetworkPolicy, PersistentVolumeClaim, and
///   HorizontalPodAutoscaler and PodDisruptionBudget once discovery shows `autoscaling/v2` and
///   `policy/v1` served (before that their caches stay empty and count as synced). The apps/v1
///   Deployment's status drives the rollout, health and rollback.
/// - Resources (every one, the Resource controller's informer): the database `<name>-db`; a
///   change reconciles its controlling Deployment.
/// - IPFSClusters (every one, the IPFSCluster controller's informer): a change reconciles the
///   Deployments of its namespace bound to it (`spec.ipfs.cluster`).
/// - ResourceQuotas (same namespaces): a change reconciles the Deployments of its namespace
///   that have no apps/v1 Deployment yet (waiting for quota).
/// - Tenants (cluster-scoped): a change reconciles the Deployments of its namespace.
/// - Host claims (Leases in ``ControllerSettings/hostClaimNamespace``): a change reconciles the
///   holder and every Deployment asking for the host.
/// - Jobs and pods labelled `quartermaster.dev/build-step`, in every namespace (the build
///   namespaces are the tenants'): a change reconciles the Deployment their labels
///   `quartermaster.dev/deployment` and `quartermaster.dev/deployment-namespace` name.
public enum AppDeploymentController {
    /// The controller's name (logs, metrics).
    public static let name = "deployment"

    public static func make(cache: InformerCache, settings: ControllerSettings) -> Controller<AppDeploymentReconciler> {
        let client = cache.client
        let discovery = APIDiscovery(client: client)
        var builder = ControllerBuilder<AppDeployment>(
            cache: cache, name: name, primary: settings.reflectorOptions(),
            options: settings.controllerOptions(for: AppDeployment.self))
        let apps = builder.primary
        let deployments = builder.owns(Deployment.self)
        var caches = AppDeploymentCaches(
            apps: apps,
            deployments: deployments,
            services: builder.owns(Service.self),
            ingresses: builder.owns(Ingress.self),
            networkPolicies: builder.owns(NetworkPolicy.self),
            horizontalPodAutoscalers: builder.owns(HorizontalPodAutoscaler.self, onlyIfServedBy: discovery),
            podDisruptionBudgets: builder.owns(PodDisruptionBudget.self, onlyIfServedBy: discovery),
            claims: builder.owns(PersistentVolumeClaim.self),
            resources: builder.owns(Resource.self, allObjects: true),
            ipfsClusters: builder.watches(IPFSCluster.self, options: settings.reflectorOptions()) { cluster in
                guard let name = cluster.metadata.name, let namespace = cluster.metadata.namespace else { return [] }
                return apps.list(namespace: namespace).filter { $0.spec.ipfs?.cluster == name }.map(\.key)
            },
            quotas: builder.watches(ResourceQuota.self, options: settings.reflectorOptions()) { quota in
                guard let namespace = quota.metadata.namespace else { return [] }
                return apps.list(namespace: namespace).filter { app in
                    deployments.get(ObjectKey(namespace: namespace, name: app.metadata.name ?? "")) == nil
                }.map(\.key)
            },
            tenants: builder.watches(Tenant.self) { tenant in
                let namespace = tenant.namespaceName
                return namespace.isEmpty ? [] : apps.list(namespace: namespace).map(\.key)
            },
            hostClaims: builder.watches(
                Lease.self,
                options: ReflectorOptions(labelSelector: HostClaim.selector, namespaces: [settings.hostClaimNamespace])
            ) { claim in
                var keys: [ObjectKey] = []
                if let holder = HostClaim.holder(of: claim), holder.kind == AppDeployment.resource.kind,
                    holder.group == AppDeployment.resource.group
                {
                    keys.append(ObjectKey(namespace: holder.namespace, name: holder.name))
                }
                if let host = HostClaim.host(of: claim) {
                    keys += apps.list().filter { $0.spec.claimedHosts.contains { $0.value == host } }.map(\.key)
                }
                return keys
            })
        let buildSelector = ReflectorOptions(labelSelector: AppDeploymentBuildLabels.buildStep)
        caches.buildJobs = builder.watches(Job.self, options: buildSelector) { job in buildOwner(job.metadata) }
        caches.buildPods = builder.watches(Pod.self, options: buildSelector) { pod in buildOwner(pod.metadata) }
        var reconciler = AppDeploymentReconciler(
            client: client, caches: caches, events: settings.events, discovery: discovery,
            resolver: settings.effectiveImageDigestResolver,
            clusterDomain: settings.clusterDomain, hostClaimNamespace: settings.hostClaimNamespace,
            allowFileSources: settings.allowFileSources,
            buildImages: AppDeploymentBuildInput.OperatorImages(settings),
            now: settings.now)
        reconciler.statusWriter.readiness = settings.timeToReady(for: AppDeployment.self)
        return builder.complete(reconciler)
    }

    /// The Deployment a build object's labels name; none when they do not.
    static func buildOwner(_ metadata: ObjectMeta) -> [ObjectKey] {
        guard let name = metadata.labels?[AppDeploymentBuildLabels.deployment],
            let namespace = metadata.labels?[AppDeploymentBuildLabels.deploymentNamespace]
        else { return [] }
        return [ObjectKey(namespace: namespace, name: name)]
    }
}
