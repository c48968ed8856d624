import KubeCore

/// The host a Deployment asks for: `expose.host` when valid (an Ingress serves it). Claimed
/// cluster-wide before the Ingress is written (``HostClaims``).
extension AppDeploymentSpec: HostClaimingSpec {
    /// `expose.host` when it parses as a host name; empty otherwise.
    public var claimedHosts: [HostName] {
        guard let host = expose.host, case .success(let parsed) = HostName.parse(host) else { return [] }
        return [parsed]
    }
}
