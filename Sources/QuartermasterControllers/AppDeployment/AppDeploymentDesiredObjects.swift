import KubeCore

/// Every object ``AppDeploymentDesiredState/compute(_:)`` renders for one Deployment. Each has
/// `apiVersion`, `kind`, name and namespace (``AppDeploymentNames``), the labels of
/// ``AppDeploymentLabels`` and one controller owner reference to the Deployment, and encodes
/// without nulls (ready for server-side apply). An optional that is `nil` means: none should
/// exist (delete one the Deployment controls), except ``persistentVolumeClaim`` and
/// ``database``, which are never deleted on a spec change.
public struct AppDeploymentDesiredObjects: Sendable, Hashable {
    /// The apps/v1 Deployment `<name>` running the pinned image.
    public var deployment: Deployment
    /// Service `<name>` on the port, of `expose.serviceType`.
    public var service: Service
    /// Ingress `<name>` when `expose.host` is set.
    public var ingress: Ingress?
    /// autoscaling/v2 HorizontalPodAutoscaler `<name>`: with `spec.autoscaling`, where served,
    /// while not suspended.
    public var horizontalPodAutoscaler: HorizontalPodAutoscaler?
    /// NetworkPolicy `<name>`.
    public var networkPolicy: NetworkPolicy
    /// policy/v1 PodDisruptionBudget `<name>` (`minAvailable: 1`): when more than one replica
    /// runs (`replicas`, or `autoscaling.minReplicas`), where served, while not suspended.
    public var podDisruptionBudget: PodDisruptionBudget?
    /// PersistentVolumeClaim `<name>-data` with `spec.volume`: created when missing, never
    /// changed or deleted by the operator (the app's data); the owner reference deletes it
    /// with the Deployment.
    public var persistentVolumeClaim: PersistentVolumeClaim?
    /// Resource `<name>-db` (`quartermaster.dev`) with `spec.database`.
    public var database: Resource?
    /// ``AppDeploymentDesiredState/templateHash(_:)`` of the same context.
    public var templateHash: String

    /// Every object that should exist, in apply order: claim and database first (the pods
    /// wait for them), then the Deployment, Service, Ingress, NetworkPolicy, HPA and PDB.
    public var all: [any KubeResource] {
        var objects: [any KubeResource] = []
        if let persistentVolumeClaim { objects.append(persistentVolumeClaim) }
        if let database { objects.append(database) }
        objects += [deployment, service] as [any KubeResource]
        if let ingress { objects.append(ingress) }
        objects.append(networkPolicy)
        if let horizontalPodAutoscaler { objects.append(horizontalPodAutoscaler) }
        if let podDisruptionBudget { objects.append(podDisruptionBudget) }
        return objects
    }
}
