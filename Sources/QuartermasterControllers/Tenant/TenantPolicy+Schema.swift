import KubeCore

extension TenantPolicy {
    /// A hostname suffix: DNS labels joined by dots, with an optional leading dot.
    static let hostSuffixPattern = #"^\.?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#
    /// A registry with an optional path: `host[:port][/path]`, lower case.
    static let registryPattern = #"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)*$"#

    /// The structural schema of `spec.policy` (see ``TenantPolicy`` for each field's meaning
    /// and default).
    static var schema: JSONSchemaProperty {
        typealias N = QuartermasterSchemaNodes
        return .object(
            "What the tenant's workloads may ask for: exposure, ingress classes and hosts, storage classes, image registries, node selector and tolerations. Unset fields take the tier's defaults.",
            [
                "exposureTypes": .array(
                    "How workloads may be exposed (ClusterIP, NodePort, LoadBalancer, Ingress); default ClusterIP and Ingress, and LoadBalancer from the basic tier.",
                    of: .string("An exposure type.", enum: exposureTypeValues), listType: "set",
                    maxItems: exposureTypeValues.count),
                "maxLoadBalancersPerWorkload": .integer(
                    "Most LoadBalancer Services one workload may ask for; default free 0, basic 1, pro 5, enterprise no cap.",
                    minimum: 0, maximum: 10_000),
                "ingressClassNames": .array(
                    "IngressClasses an Ingress may name; default none.", of: N.objectName("An IngressClass name."),
                    listType: "set", maxItems: N.shortListItems),
                "allowDefaultIngressClass": .boolean(
                    "Whether an Ingress may leave its class unset (the cluster's default class); default true."),
                "hostSuffixes": .array(
                    "Suffixes every Ingress host must end with, such as .apps.example.com (a missing leading dot is implied); when set, an Ingress without a host is refused. Default: any host.",
                    of: .string("A hostname suffix.", pattern: hostSuffixPattern, minLength: 1, maxLength: N.subdomainLength),
                    listType: "set", maxItems: N.shortListItems),
                "storageClassNames": .array(
                    "StorageClasses a volume may name; default none.", of: N.objectName("A StorageClass name."),
                    listType: "set", maxItems: N.shortListItems),
                "allowDefaultStorageClass": .boolean(
                    "Whether a volume may leave its class unset (the cluster's default class); default true."),
                "registries": .array(
                    "Registries images must come from, host[/path] (docker.io/ipfs, registry.example.com/team); Docker Hub short names count as docker.io. Default \(TenantPolicy.defaultRegistries.joined(separator: ", ")).",
                    of: .string("A registry host with an optional path.", pattern: registryPattern, minLength: 1, maxLength: N.imageLength),
                    listType: "set", maxItems: N.shortListItems),
                "nodeSelector": N.labelMap(
                    "Node labels forced onto every workload's pods; a workload setting one of these keys to another value is refused.",
                    valueDescription: "Required label value."),
                "tolerations": .array(
                    "Tolerations a workload may carry (matched by key, operator, value and effect); default none, so every toleration is refused.",
                    of: .object(
                        "An allowed toleration.",
                        [
                            "key": .string("Taint key; empty with operator Exists matches every key.", maxLength: 317),
                            "operator": .string("Equal (default) or Exists.", enum: ["Equal", "Exists"]),
                            "value": .string("Taint value (operator Equal).", maxLength: N.labelLength),
                            "effect": .string(
                                "Taint effect; empty matches every effect.", enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"]),
                        ]), maxItems: N.shortListItems),
            ])
    }
}
