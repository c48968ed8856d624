/// The hosts an IPFSCluster asks for: the `host` of each of `exposure.api` and
/// `exposure.gateway` whose type is `Ingress`. Each is claimed cluster-wide before its Ingress
/// is written (``HostClaims``).
extension IPFSClusterSpec: HostClaimingSpec {
    /// The exposures that may ask for a host, with their field paths: `exposure.api`,
    /// `exposure.gateway`.
    var httpExposures: [(field: String, exposure: HTTPExposure)] {
        [("exposure.api", exposure.api), ("exposure.gateway", exposure.gateway)]
    }

    /// The valid hosts of the Ingress exposures, each once, in field order.
    public var claimedHosts: [HostName] {
        var hosts: [HostName] = []
        for (_, exposure) in httpExposures where exposure.type == .ingress {
            if case .success(let host) = HostName.parse(exposure.host), !hosts.contains(host) { hosts.append(host) }
        }
        return hosts
    }

    /// The fields asking for `host`, such as `exposure.gateway.host`.
    func fields(asking host: HostName) -> [String] {
        httpExposures.filter { $0.exposure.type == .ingress && $0.exposure.host == host.value }.map { "\($0.field).host" }
    }
}
