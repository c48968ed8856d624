import KubeCore

/// What the reconciler observed of how the application is reached, for `status.url`,
/// `status.ip` and the `Exposed` phase (``AppDeploymentStatusComputation``): the load-balancer
/// addresses of the Ingress `<name>` and of the Service `<name>`.
///
/// Build it with ``init(ingress:service:)`` from the observed objects (either may be `nil`);
/// the memberwise initialiser is for tests.
public struct AppDeploymentObservedExposure: Sendable, Equatable {
    /// One `status.loadBalancer.ingress[]` entry: an IP address or a host name.
    public struct Address: Sendable, Equatable {
        public var ip: String?
        public var hostname: String?
        public init(ip: String? = nil, hostname: String? = nil) {
            self.ip = ip
            self.hostname = hostname
        }
    }

    /// `status.loadBalancer.ingress` of the Ingress; empty when none (or no Ingress).
    public var ingressAddresses: [Address]
    /// `status.loadBalancer.ingress` of the Service (type LoadBalancer); empty otherwise.
    public var serviceAddresses: [Address]

    public init(ingressAddresses: [Address] = [], serviceAddresses: [Address] = []) {
        self.ingressAddresses = ingressAddresses
        self.serviceAddresses = serviceAddresses
    }

    /// The addresses of the observed Ingress and Service (`status.loadBalancer.ingress[].ip`
    /// and `.hostname`; entries with neither are skipped).
    public init(ingress: Ingress?, service: Service?) {
        self.init(
            ingressAddresses: Self.addresses(ingress?.status), serviceAddresses: Self.addresses(service?.status))
    }

    static func addresses(_ status: JSONValue?) -> [Address] {
        guard case .array(let entries)? = status?["loadBalancer"]?["ingress"] else { return [] }
        return entries.compactMap { entry in
            let address = Address(ip: entry["ip"]?.stringValue, hostname: entry["hostname"]?.stringValue)
            return address.ip == nil && address.hostname == nil ? nil : address
        }
    }
}
