import KubeCore

/// The objects a PostgresInstance's controller creates, as far as a namespace's quotas see
/// them (``ResourceFootprint`` counts them): the quota footprint of the kind offered as a
/// Resource (``ResourceOffering/postgresInstance``).
///
/// Interim: the reconciler's desired state (`PostgresInstanceDesiredState.compute`) is to
/// replace it in the offering, so the quota check reads the very objects that are applied.
/// Until then this renders, from the contract (`docs/postgresinstance.md`), each object with
/// what quota counts and nothing else:
///
/// | objects | count |
/// | --- | --- |
/// | Pod `<name>-<serial>` | one per instance (`instances`, none while `suspended`); container `postgres` with `resources` |
/// | PVC `<name>-<serial>`, `<name>-<serial>-wal` | one data claim per instance (`storage`), and a WAL claim with `walStorage` |
/// | Services | `-rw` (type `exposure.type`), `-ro`, `-r`, `-headless`; `-pooler` with the pooler |
/// | Secrets | `-app`, `-ca`, `-server`, `-replication`; `-pooler` with the pooler |
/// | ServiceAccount, Role, RoleBinding | one each |
/// | NetworkPolicy | one; a second with the pooler |
/// | PodDisruptionBudget | one with more than one instance |
/// | Deployment `<name>-pooler` | with the pooler: `pooler.instances` pods, container `pgbouncer` with ``PostgresInstanceSpec/Pooler/containerResources`` |
///
/// Init containers (the `bootstrap` copy of the operator) request nothing.
public enum PostgresInstanceFootprint {
    /// A quantity in the spec does not parse (the schema forbids it; an object stored under a
    /// looser schema may still hold one).
    public struct InvalidQuantity: Error, CustomStringConvertible {
        public var field: String
        public var value: String
        public var description: String { "\(field): \"\(value.prefix(64))\" is not a quantity" }
    }

    /// The objects (see the table) for `instance`'s spec, in its namespace.
    ///
    /// - Throws: ``InvalidQuantity`` for a size or resource amount that does not parse.
    public static func objects(for instance: PostgresInstance) throws -> [any KubeResource] {
        let spec = instance.spec
        let name = instance.metadata.name ?? ""
        func meta(_ suffix: String) -> ObjectMeta {
            ObjectMeta(name: suffix.isEmpty ? name : "\(name)-\(suffix)", namespace: instance.metadata.namespace)
        }
        var objects: [any KubeResource] = []
        let postgres = Container(
            name: "postgres", image: spec.effectiveImage,
            resources: try requirements(spec.resources, field: "resources"))
        let dataSize = try quantity(spec.storage.size, field: "storage.size")
        let walSize = try spec.walStorage.map { try quantity($0.size, field: "walStorage.size") }
        for serial in (0..<max(0, spec.instances)).map({ $0 + 1 }) {
            if !spec.suspended { objects.append(Pod(metadata: meta("\(serial)"), spec: PodSpec(containers: [postgres]))) }
            objects.append(claim(meta("\(serial)"), size: dataSize, storageClassName: spec.storage.storageClassName))
            if let walSize, let walStorage = spec.walStorage {
                objects.append(claim(meta("\(serial)-wal"), size: walSize, storageClassName: walStorage.storageClassName))
            }
        }
        objects.append(Service(metadata: meta("rw"), spec: ServiceSpec(type: spec.exposure.type.rawValue, ports: [port])))
        for suffix in ["ro", "r"] {
            objects.append(Service(metadata: meta(suffix), spec: ServiceSpec(type: "ClusterIP", ports: [port])))
        }
        objects.append(
            Service(metadata: meta("headless"), spec: ServiceSpec(ports: [port], clusterIP: ServiceSpec.headless)))
        for suffix in ["app", "ca", "server", "replication"] { objects.append(Secret(metadata: meta(suffix))) }
        objects.append(ServiceAccount(metadata: meta("")))
        objects.append(Role(metadata: meta("instance")))
        objects.append(RoleBinding(metadata: meta("instance")))
        objects.append(NetworkPolicy(metadata: meta("")))
        if spec.instances > 1 { objects.append(PodDisruptionBudget(metadata: meta("primary"))) }
        if spec.pooler.enabled {
            let pgbouncer = Container(
                name: "pgbouncer", image: PostgresImage.pgbouncer,
                resources: try requirements(PostgresInstanceSpec.Pooler.containerResources, field: "pooler"))
            let selector = ["quartermaster.dev/postgres-pooler": name]
            objects.append(
                Deployment(
                    metadata: meta("pooler"),
                    spec: DeploymentSpec(
                        replicas: spec.suspended ? 0 : spec.pooler.instances, selector: LabelSelector(matchLabels: selector),
                        template: PodTemplateSpec(metadata: ObjectMeta(labels: selector), spec: PodSpec(containers: [pgbouncer])))))
            objects.append(Service(metadata: meta("pooler"), spec: ServiceSpec(type: "ClusterIP", ports: [port])))
            objects.append(Secret(metadata: meta("pooler")))
            objects.append(NetworkPolicy(metadata: meta("pooler")))
        }
        return objects
    }

    private static let port = ServicePort(name: "postgres", port: 5432)

    private static func claim(_ metadata: ObjectMeta, size: Quantity, storageClassName: String?) -> PersistentVolumeClaim {
        PersistentVolumeClaim(
            metadata: metadata,
            spec: PersistentVolumeClaimSpec(
                accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": size]),
                storageClassName: storageClassName))
    }

    private static func quantity(_ text: String, field: String) throws -> Quantity {
        guard let q = Quantity(parsing: text) else { throw InvalidQuantity(field: field, value: text) }
        return q
    }

    private static func requirements(
        _ r: PostgresInstanceSpec.ResourceRequirements, field: String
    ) throws -> ResourceRequirements {
        func amounts(_ m: [String: String]?, _ part: String) throws -> [String: Quantity]? {
            try m.map { try $0.reduce(into: [:]) { out, e in out[e.key] = try quantity(e.value, field: "\(field).\(part).\(e.key)") } }
        }
        return ResourceRequirements(limits: try amounts(r.limits, "limits"), requests: try amounts(r.requests, "requests"))
    }
}
