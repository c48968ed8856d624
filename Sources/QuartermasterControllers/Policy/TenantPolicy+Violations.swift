extension TenantPolicy {
    /// Every way `subject` breaks this policy, in a stable order (exposure, LoadBalancer count,
    /// Ingress classes and hosts, storage classes, images, node selector, tolerations); empty
    /// when it complies. Pure: no I/O, the same answer for the reconcilers and the admission
    /// webhook.
    ///
    /// An unset field of the policy means its documented default (see ``TenantPolicy``); call
    /// it on ``TenantSpec/effectivePolicy`` to include the tier's defaults.
    public func violations(of subject: WorkloadPolicySubject) -> [TenantPolicyViolation] {
        var out: [TenantPolicyViolation] = []
        func list(_ values: [String]) -> String { values.isEmpty ? "none" : values.joined(separator: ", ") }

        let types = exposureTypes ?? Self.defaultExposureTypes
        for exposure in subject.exposures where exposure.count > 0 && !types.contains(exposure.type) {
            out.append(
                .init(
                    field: exposure.field,
                    message: "exposure type \(exposure.type) is not allowed by the tenant's policy (allowed: \(list(types)))"))
        }
        if let max = maxLoadBalancersPerWorkload, subject.loadBalancers > max {
            let fields = subject.exposures.filter { $0.type == "LoadBalancer" && $0.count > 0 }.map(\.field)
            out.append(
                .init(
                    field: fields.joined(separator: ", "),
                    message: "asks for \(subject.loadBalancers) LoadBalancer Services; the tenant's policy allows at most \(max) per workload"))
        }

        let classes = ingressClassNames ?? []
        let defaultClass = allowDefaultIngressClass ?? true
        let suffixes = (hostSuffixes ?? []).map { $0.hasPrefix(".") ? $0.lowercased() : "." + $0.lowercased() }
        for ingress in subject.ingresses {
            if let cls = ingress.className, !cls.isEmpty {
                if !classes.contains(cls) {
                    out.append(
                        .init(
                            field: "\(ingress.field).ingressClassName",
                            message: "IngressClass \"\(cls)\" is not allowed by the tenant's policy (allowed: \(list(classes)))"))
                }
            } else if !defaultClass {
                out.append(
                    .init(
                        field: "\(ingress.field).ingressClassName",
                        message: "the cluster's default IngressClass is not allowed by the tenant's policy; name one of: \(list(classes))"))
            }
            guard !suffixes.isEmpty else { continue }
            if let host = ingress.host?.lowercased(), !host.isEmpty {
                if !suffixes.contains(where: { host.hasSuffix($0) && host.count > $0.count }) {
                    out.append(
                        .init(
                            field: "\(ingress.field).host",
                            message: "host \"\(host)\" does not end with a suffix the tenant's policy allows (\(list(suffixes)))"))
                }
            } else {
                out.append(
                    .init(
                        field: "\(ingress.field).host",
                        message: "an Ingress without a host answers every host; the tenant's policy requires a host ending with one of: \(list(suffixes))"))
            }
        }

        let storage = storageClassNames ?? []
        let defaultStorage = allowDefaultStorageClass ?? true
        for volume in subject.volumes {
            if let cls = volume.storageClassName, !cls.isEmpty {
                if !storage.contains(cls) {
                    out.append(
                        .init(
                            field: "\(volume.field).storageClassName",
                            message: "StorageClass \"\(cls)\" is not allowed by the tenant's policy (allowed: \(list(storage)))"))
                }
            } else if !defaultStorage {
                out.append(
                    .init(
                        field: "\(volume.field).storageClassName",
                        message: "the cluster's default StorageClass is not allowed by the tenant's policy; name one of: \(list(storage))"))
            }
        }

        let registryEntries = registries ?? Self.defaultRegistries
        let allowed = registryEntries.compactMap { ImageReference(registry: $0) }
        for image in subject.images {
            guard let reference = ImageReference(image: image.reference) else {
                out.append(.init(field: image.field, message: "\"\(image.reference)\" is not a valid image reference"))
                continue
            }
            if !allowed.contains(where: { reference.isFrom($0) }) {
                out.append(
                    .init(
                        field: image.field,
                        message: "image \"\(image.reference)\" (\(reference)) is not from a registry the tenant's policy allows (\(list(registryEntries)))"))
            }
        }

        for (key, forced) in forcedNodeSelector.sorted(by: { $0.key < $1.key }) {
            if let own = subject.nodeSelector[key], own != forced {
                out.append(
                    .init(
                        field: "\(subject.nodeSelectorField).\(key)",
                        message: "\"\(own)\" contradicts the tenant's forced node selector \(key)=\(forced)"))
            }
        }

        let allowedTolerations = tolerations ?? []
        for (i, toleration) in subject.tolerations.enumerated()
        where !allowedTolerations.contains(where: { $0.matches(toleration) }) {
            let allowedList = allowedTolerations.map(\.description)
            out.append(
                .init(
                    field: "\(subject.tolerationsField)[\(i)]",
                    message: "toleration \(toleration) is not allowed by the tenant's policy (allowed: \(list(allowedList)))"))
        }
        return out
    }

    /// `own` with the forced node selector merged over it (a contradicting key is a violation
    /// reported by ``violations(of:)``, and the forced value wins here). `nil` when both are
    /// empty.
    public func nodeSelector(mergedOver own: [String: String]?) -> [String: String]? {
        let merged = (own ?? [:]).merging(forcedNodeSelector) { _, forced in forced }
        return merged.isEmpty ? nil : merged
    }
}
