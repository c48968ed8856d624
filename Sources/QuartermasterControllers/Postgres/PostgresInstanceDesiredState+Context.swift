import KubeCore

extension PostgresInstanceDesiredState {
    /// The spec as the builders need it: the one place the spec's fields are read.
    struct Context {
        var names: PostgresInstanceNames
        var namespace: String
        var owner: OwnerReference?
        var settings: Settings
        var instances: Int
        var major: Int
        var image: String
        var storage: Storage
        var walStorage: Storage?
        var resources: ResourceRequirements
        /// The `pgbouncer` container's (``PostgresInstanceSpec/Pooler/containerResources``).
        var poolerResources: ResourceRequirements
        var nodeSelector: [String: String]?
        var tolerations: [Toleration]?
        var affinity: Affinity?
        var pooler: Pooler
        var loadBalancer: Bool
        var allowedNamespaces: [String]
        var metrics: Bool
        var ownsClaims: Bool
        var suspended: Bool
        /// `status.archive` and `status.bootstrap` as stored (the instance manager reads the same).
        var archive: PostgresArchiveStatus?
        var bootstrap: PostgresBootstrapStatus?

        struct Storage {
            var size: Quantity
            var storageClassName: String?
        }

        struct Pooler {
            var enabled: Bool
            var instances: Int
        }

        /// Throws ``PostgresInstanceProblem`` (`InvalidSpec`) for a quantity or a scheduling
        /// field that cannot be read (objects stored under an older schema).
        init(instance: PostgresInstance, settings: Settings, tenant: TenantEnforcement) throws {
            let spec = instance.spec
            names = PostgresInstanceNames(instance: instance.metadata.name ?? "")
            namespace = instance.metadata.namespace ?? ""
            owner = instance.ownerReference()
            self.settings = settings
            instances = spec.instances
            major = spec.postgresVersion
            image = spec.effectiveImage
            storage = try Self.storage(spec.storage, field: "spec.storage")
            walStorage = try spec.walStorage.map { try Self.storage($0, field: "spec.walStorage") }
            resources = try Self.resources(spec.resources)
            poolerResources = try Self.resources(PostgresInstanceSpec.Pooler.containerResources)
            nodeSelector = tenant.nodeSelector(mergedOver: spec.nodeSelector)
            let selector = PostgresInstanceLabels.instancesSelector(instance: names.instance)
            tolerations = try Self.tolerations(spec.tolerations)
            affinity = try Self.affinity(spec.affinity, selector: selector)
            pooler = Pooler(enabled: spec.pooler.enabled, instances: spec.pooler.instances)
            loadBalancer = spec.exposure.type == .loadBalancer
            allowedNamespaces = spec.allowedNamespaces
            metrics = spec.metrics.enabled
            ownsClaims = spec.pvcRetention == .delete
            suspended = spec.suspended || tenant.suspended
            archive = instance.status?.archive
            bootstrap = instance.status?.bootstrap
        }

        static func invalid(_ field: String, _ what: String) -> PostgresInstanceProblem {
            PostgresInstanceProblem(reason: .invalidSpec, message: "\(field): \(what)")
        }

        static func storage(_ volume: PostgresInstanceSpec.Volume, field: String) throws -> Storage {
            guard let size = Quantity(parsing: volume.size) else { throw invalid("\(field).size", "not a quantity") }
            return Storage(size: size, storageClassName: volume.storageClassName)
        }

        static func resources(_ r: PostgresInstanceSpec.ResourceRequirements) throws -> ResourceRequirements {
            func quantities(_ m: [String: String]?, _ part: String) throws -> [String: Quantity]? {
                guard let m, !m.isEmpty else { return nil }
                var out: [String: Quantity] = [:]
                for (k, v) in m {
                    guard let q = Quantity(parsing: v) else { throw invalid("spec.resources.\(part).\(k)", "not a quantity") }
                    out[k] = q
                }
                return out
            }
            return ResourceRequirements(limits: try quantities(r.limits, "limits"), requests: try quantities(r.requests, "requests"))
        }

        static func tolerations(_ raw: [JSONValue]?) throws -> [Toleration]? {
            guard let raw, !raw.isEmpty else { return nil }
            do { return try raw.map { try $0.decode(as: Toleration.self) } } catch {
                throw invalid("spec.tolerations", "not a list of core/v1 tolerations")
            }
        }

        /// `spec.affinity`, else a preferred anti-affinity spreading the instances over nodes.
        static func affinity(_ raw: JSONValue?, selector: [String: String]) throws -> Affinity {
            if let raw, raw != .null {
                do { return try raw.decode(as: Affinity.self) } catch {
                    throw invalid("spec.affinity", "not a core/v1 affinity")
                }
            }
            return Affinity(
                podAntiAffinity: PodAntiAffinity(preferredDuringSchedulingIgnoredDuringExecution: [
                    WeightedPodAffinityTerm(
                        weight: 100,
                        podAffinityTerm: PodAffinityTerm(
                            labelSelector: LabelSelector(matchLabels: selector), topologyKey: "kubernetes.io/hostname"))
                ]))
        }

        /// Labels of an object of this instance.
        func labels(_ component: String) -> [String: String] {
            PostgresInstanceLabels.labels(instance: names.instance, component: component)
        }

        /// Metadata of an object the instance controls.
        func metadata(_ name: String, component: String, annotations: [String: String]? = nil) -> ObjectMeta {
            ObjectMeta(
                name: name, namespace: namespace, labels: labels(component), annotations: annotations,
                ownerReferences: owner.map { [$0] })
        }
    }
}
