/// The host a Deployment asks for: `spec.expose.host` when it is a valid host name (an invalid
/// one is `InvalidSpec`, ``AppDeploymentValidation``). It is claimed cluster-wide before the
/// Ingress is written (``HostClaims``, by the reconciler); the kind's declaration names it a
/// host-claim holder so other claimants can read it.
extension AppDeploymentSpec: HostClaimingSpec {
    public var claimedHosts: [HostName] {
        guard let host = expose.host, case .success(let name) = HostName.parse(host) else { return [] }
        return [name]
    }
}
