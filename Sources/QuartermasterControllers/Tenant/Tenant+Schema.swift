import KubeCore

extension Tenant {
    /// The structural schema of `spec` (see `TenantSpec` for the meaning of each field).
    public static var specSchema: JSONSchemaProperty {
        typealias N = QuartermasterSchemaNodes
        let cpuMemory = { (description: String) -> JSONSchemaProperty in
            .object(
                description,
                [
                    "cpu": N.quantity("CPU, e.g. 500m or 2."),
                    "memory": N.quantity("Memory, e.g. 512Mi."),
                ])
        }
        let selector = JSONSchemaProperty.object(
            "Labels of the namespaces allowed to reach the tenant.",
            [
                "matchLabels": N.labelMap("Labels a namespace must carry, all of them.", valueDescription: "Label value."),
                "matchExpressions": .array(
                    "Set-based requirements a namespace must meet, all of them.",
                    of: .object(
                        "One label requirement.", required: ["key", "operator"],
                        [
                            "key": .string("Label key.", minLength: 1, maxLength: 317),
                            "operator": .string(
                                "How the key relates to the values.", enum: ["In", "NotIn", "Exists", "DoesNotExist"]),
                            "values": .array(
                                "Values for In and NotIn; empty for Exists and DoesNotExist.",
                                of: .string("A label value.", maxLength: N.labelLength), maxItems: N.shortListItems),
                        ]), maxItems: N.shortListItems),
            ])
        return .object(
            "What the tenant is entitled to and who owns it.",
            [
                "owners": .array(
                    "Users, groups and service accounts granted the quartermaster-tenant-owner role in the tenant's namespace.",
                    of: .object(
                        "An RBAC subject granted the tenant owner role.", required: ["kind", "name"],
                        [
                            "kind": .string("Kind of subject.", enum: TenantOwner.Kind.allCases.map(\.rawValue)),
                            "name": .string(
                                "User, group or service account name.", minLength: 1, maxLength: N.subdomainLength),
                            "namespace": N.namespaceName(
                                "Namespace of a service account; defaults to the tenant's namespace. Ignored for users and groups."),
                        ]), maxItems: N.shortListItems),
                "tier": .string(
                    "Preset of quota and container limits (free, basic, pro, enterprise); quota and limits override it.",
                    default: TenantTier.free.rawValue, enum: TenantTier.allCases.map(\.rawValue)),
                "quota": .object(
                    "Overrides of the tier's namespace-wide quota, field by field.",
                    [
                        "cpu": N.quantity("Total CPU requests (requests.cpu), e.g. 8 or 500m."),
                        "memory": N.quantity("Total memory requests (requests.memory), e.g. 16Gi."),
                        "storage": N.quantity("Total storage requested by PersistentVolumeClaims (requests.storage)."),
                        "persistentVolumeClaims": .integer(
                            "Number of PersistentVolumeClaims (persistentvolumeclaims).", minimum: 0, maximum: 100_000),
                        "limitsCPU": N.quantity("Total CPU limits (limits.cpu); not capped by any tier."),
                        "limitsMemory": N.quantity("Total memory limits (limits.memory); not capped by any tier."),
                        "resources": .integer(
                            "Number of Resources (count/resources.quartermaster.dev).", minimum: 0, maximum: 10_000),
                        "ipfsClusters": .integer(
                            "Number of IPFSClusters (count/ipfsclusters.quartermaster.dev).", minimum: 0,
                            maximum: 10_000),
                        "loadBalancers": .integer(
                            "Number of Services of type LoadBalancer (services.loadbalancers).", minimum: 0,
                            maximum: 10_000),
                        "nodePorts": .integer(
                            "Number of node ports Services of type NodePort and LoadBalancer allocate (services.nodeports).",
                            minimum: 0, maximum: 10_000),
                        "ingresses": .integer(
                            "Number of Ingresses (count/ingresses.networking.k8s.io).", minimum: 0, maximum: 10_000),
                    ]),
                "limits": .object(
                    "Overrides of the tier's per-container default requests, default limits and maxima, resource by resource.",
                    [
                        "defaultRequest": cpuMemory("Requests given to containers that set none."),
                        "defaultLimit": cpuMemory("Limits given to containers that set none."),
                        "max": cpuMemory("Largest limit (and request) one container may have."),
                    ]),
                "namespace": .string(
                    "Name of the tenant's namespace; defaults to the tenant's name. Changing it creates a new namespace and leaves the old one to the administrator.",
                    pattern: N.dnsLabelPattern, maxLength: N.labelLength),
                "network": .object(
                    "Namespaces allowed to reach the tenant's pods.",
                    [
                        "allowFrom": .array(
                            "Namespaces (by name or by labels) whose pods may reach the tenant's pods, such as the ingress controller's and monitoring's. Each entry sets exactly one of namespace and namespaceSelector.",
                            of: .object(
                                "A namespace by name, or namespaces by labels.",
                                [
                                    "namespace": N.namespaceName(
                                        "Name of a namespace allowed to reach the tenant (matched by its kubernetes.io/metadata.name label)."
                                    ),
                                    "namespaceSelector": selector,
                                ]), maxItems: N.shortListItems)
                    ]),
                "suspended": .boolean(
                    "Scale the tenant's workloads to zero and block ingress, keeping all data.", default: false),
                "deletionPolicy": .string(
                    "What deleting the tenant does with data left in its namespace: Retain waits until Resources, IPFSClusters and PersistentVolumeClaims are gone; DeleteData deletes the namespace with everything in it.",
                    default: TenantDeletionPolicy.retain.rawValue, enum: TenantDeletionPolicy.allCases.map(\.rawValue)),
                "policy": TenantPolicy.schema,
                "builds": buildsSchema,
            ])
    }

    /// The schema of `spec.builds` (see ``TenantBuilds``).
    static var buildsSchema: JSONSchemaProperty {
        typealias N = QuartermasterSchemaNodes
        let defaults = TenantBuildQuota.defaults
        return .object(
            "The tenant's build namespace (<namespace>-build), where source builds of its Deployments run.",
            [
                "enabled": .boolean(
                    "Keep the build namespace. false: none is created, and an existing one is left alone (not updated, not deleted).",
                    default: true),
                "podSecurity": .string(
                    "Pod Security level enforced in the build namespace: baseline lets kaniko run as root; privileged is what BuildKit rootless needs (seccomp and AppArmor Unconfined).",
                    default: TenantBuildPodSecurity.baseline.rawValue, enum: TenantBuildPodSecurity.allCases.map(\.rawValue)),
                "repositoryPrefix": .string(
                    "Where built images go when a Deployment names no repository: <repositoryPrefix>/<deployment name>, e.g. registry.example.com/acme. No tag or digest.",
                    pattern: TenantBuilds.repositoryPrefixPattern, minLength: 1, maxLength: TenantBuilds.repositoryPrefixLength),
                "quota": .object(
                    "Quota of the build namespace; each field overrides the default.",
                    [
                        "cpu": N.quantity("Total CPU requests of build pods (requests.cpu). Default \(defaults.cpu?.description ?? "")."),
                        "memory": N.quantity(
                            "Total memory requests of build pods (requests.memory). Default \(defaults.memory?.description ?? "")."),
                        "pods": .integer(
                            "Number of running or pending pods in the build namespace (pods). Default \(defaults.pods ?? 0).",
                            minimum: 0, maximum: Int64(TenantBuildQuota.maxPods)),
                        "limitsCPU": N.quantity(
                            "Total CPU limits of build pods (limits.cpu). Default \(defaults.limitsCPU?.description ?? "")."),
                        "limitsMemory": N.quantity(
                            "Total memory limits of build pods (limits.memory). Default \(defaults.limitsMemory?.description ?? "")."),
                    ]),
                "egress": .array(
                    "Egress allowed from build pods besides DNS and TCP 22 and 443 to public addresses, such as an in-cluster registry.",
                    of: .object(
                        "An address range build pods may reach, and the TCP ports.", required: ["cidr", "ports"],
                        [
                            "cidr": .string(
                                "IPv4 or IPv6 range (CIDR), such as an in-cluster registry's.",
                                pattern: TenantBuildEgress.cidrPattern, minLength: 1, maxLength: TenantBuildEgress.cidrLength),
                            "ports": .array(
                                "TCP ports allowed to the range.", of: .integer("A TCP port.", minimum: 1, maximum: 65535),
                                minItems: 1, maxItems: TenantBuildEgress.maxPorts),
                        ]), maxItems: TenantBuilds.maxEgress),
            ])
    }

    /// The structural schema of `status` (see `TenantStatus`).
    public static var statusSchema: JSONSchemaProperty {
        typealias N = QuartermasterSchemaNodes
        return .object(
            "What the operator last observed of the tenant.",
            [
                "observedGeneration": .integer("The metadata.generation this status describes.", format: "int64"),
                "namespace": .string("Name of the tenant's namespace."),
                "buildNamespace": .string(
                    "Name of the tenant's build namespace, once it exists with its quota, limits, network policy and owner access; absent when builds are disabled."),
                "quota": .object(
                    "Quota of the namespace: hard caps and use.",
                    [
                        "hard": .map(
                            "Caps enforced on the namespace (ResourceQuota status.hard).",
                            values: N.quantity("A quantity.")),
                        "used": .map(
                            "What the namespace uses now (ResourceQuota status.used).", values: N.quantity("A quantity.")),
                    ]),
                "resources": .object(
                    "Resources in the namespace, by phase.",
                    [
                        "total": .integer("Number of Resources in the namespace.", minimum: 0),
                        "byPhase": .map(
                            "Number of Resources per phase (Pending, Provisioning, Ready, ...); phases with none are left out.",
                            values: .integer("Number of Resources in this phase.", minimum: 0)),
                    ]),
                "persistentVolumeClaims": .object(
                    "PersistentVolumeClaims in the namespace: the data it holds, kept ones included.",
                    [
                        "total": .integer("Number of PersistentVolumeClaims in the namespace.", minimum: 0),
                        "names": .array(
                            "Names of the claims, in name order; at most 20.",
                            of: .string("A claim name.", maxLength: N.subdomainLength), maxItems: TenantClaims.maxNames),
                        "more": .integer("How many claims are not named in names.", minimum: 0),
                    ]),
                "conditions": N.conditions("Ready, Reconciling and Stalled."),
            ])
    }
}
