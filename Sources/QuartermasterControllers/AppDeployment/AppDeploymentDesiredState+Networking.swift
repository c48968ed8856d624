import KubeCore

/// The Service, the Ingress and the NetworkPolicy.
extension AppDeploymentDesiredState.Renderer {
    var expose: AppDeploymentSpec.Expose { spec.expose }
    var serviceType: AppDeploymentSpec.Expose.ServiceType { expose.serviceType }

    /// Service `<name>`: `expose.serviceType`, port `spec.port` to the
    /// container's `http` port.
    func service() -> Service {
        Service(
            metadata: metadata(names.service),
            spec: ServiceSpec(
                type: serviceType.rawValue,
                ports: [ServicePort(name: AppDeploymentNames.portName, port: port, targetPort: .int(port))],
                selector: selector))
    }

    /// Ingress `<name>` when `expose.host` is set: `host` + `path` (`Prefix`) to
    /// the Service, class `expose.ingressClassName` (none: the cluster's default class), TLS for
    /// the host with `tls.secretName`, or with `tls.issuer`: annotation
    /// `cert-manager.io/cluster-issuer: <issuer>` and Secret `<name>-tls`, which cert-manager
    /// fills.
    func ingress() -> Ingress? {
        guard let host = expose.host, !host.isEmpty else { return nil }
        let backend = IngressBackend(service: .init(name: names.service, port: .init(number: port)))
        var annotations: [String: String]?
        var tls: [IngressTLS]?
        if let issuer = expose.tls?.issuer, !issuer.isEmpty {
            annotations = [AppDeploymentDesiredState.clusterIssuerAnnotation: issuer]
            tls = [IngressTLS(hosts: [host], secretName: expose.tls?.secretName ?? names.issuedTLSSecret)]
        } else if let secret = expose.tls?.secretName, !secret.isEmpty {
            tls = [IngressTLS(hosts: [host], secretName: secret)]
        }
        return Ingress(
            metadata: metadata(names.ingress, annotations: annotations),
            spec: IngressSpec(
                ingressClassName: expose.ingressClassName, tls: tls,
                rules: [
                    IngressRule(
                        host: host,
                        http: HTTPIngressRuleValue(paths: [
                            HTTPIngressPath(
                                path: expose.path, pathType: "Prefix", backend: backend)
                        ]))
                ]))
    }

    /// `true` when traffic reaches the pods from outside the namespace: through an Ingress (the
    /// controller runs elsewhere), a `LoadBalancer` or a `NodePort` Service (from nodes and
    /// load balancers no selector can name).
    var exposedBeyondNamespace: Bool { ingress() != nil || serviceType != .clusterIP }

    /// NetworkPolicy `<name>` on the app's pods, ingress only (egress is left to the tenant's
    /// own policies): the port from pods of the namespace, or from anywhere when exposed beyond
    /// it (``exposedBeyondNamespace``). Every other port is closed.
    func networkPolicy() -> NetworkPolicy {
        let from: [NetworkPolicyPeer]? = exposedBeyondNamespace ? nil : [NetworkPolicyPeer(podSelector: LabelSelector())]
        return NetworkPolicy(
            metadata: metadata(names.networkPolicy),
            spec: NetworkPolicySpec(
                podSelector: LabelSelector(matchLabels: selector),
                ingress: [NetworkPolicyIngressRule(from: from, ports: [NetworkPolicyPort(protocol: "TCP", port: .int(port))])],
                policyTypes: ["Ingress"]))
    }
}
