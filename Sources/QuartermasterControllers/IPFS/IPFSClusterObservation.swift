import Foundation
import KubeCore

/// What the IPFSCluster reconciler observed, condensed: the input of
/// ``IPFSClusterStatusComputation/compute(cluster:observation:now:)``. (The raw reads of one
/// reconcile are `IPFSClusterObservedObjects`.)
public struct IPFSClusterObservation: Sendable {
    /// The StatefulSet `<name>` with its status, or `nil` when it does not exist.
    public var statefulSet: StatefulSet?
    /// The identities read from the Secret, or `nil` when it does not exist (yet).
    public var identities: IPFSClusterIdentities?
    /// The API and gateway Services (their `status.loadBalancer` gives external addresses).
    public var apiService: Service?
    public var gatewayService: Service?
    /// The Ingresses, when the exposure asks for them.
    public var apiIngress: Ingress?
    public var gatewayIngress: Ingress?
    /// Problems that stop the reconciler (``IPFSClusterValidation``): any makes the cluster `Failed`.
    public var problems: [IPFSClusterValidation.Problem]
    /// The pod-template hash the current spec asks for
    /// (``IPFSClusterDesiredState/configHashAnnotation`` of the desired StatefulSet); when given,
    /// the StatefulSet only counts as rolled out if its template carries it.
    public var desiredConfigHash: String?
    /// `false` when the API server does not serve `policy/v1` PodDisruptionBudgets.
    public var podDisruptionBudgetServed: Bool
    /// The name of the namespace's Tenant when it is suspended (`spec.suspended` of the
    /// Tenant), `nil` otherwise: the cluster is suspended as by its own `spec.suspended`.
    public var suspendedByTenant: String?

    public init(
        statefulSet: StatefulSet? = nil, identities: IPFSClusterIdentities? = nil, apiService: Service? = nil,
        gatewayService: Service? = nil, apiIngress: Ingress? = nil, gatewayIngress: Ingress? = nil,
        problems: [IPFSClusterValidation.Problem] = [], desiredConfigHash: String? = nil,
        podDisruptionBudgetServed: Bool = true, suspendedByTenant: String? = nil
    ) {
        self.statefulSet = statefulSet
        self.identities = identities
        self.apiService = apiService
        self.gatewayService = gatewayService
        self.apiIngress = apiIngress
        self.gatewayIngress = gatewayIngress
        self.problems = problems
        self.desiredConfigHash = desiredConfigHash
        self.podDisruptionBudgetServed = podDisruptionBudgetServed
        self.suspendedByTenant = suspendedByTenant
    }
}
