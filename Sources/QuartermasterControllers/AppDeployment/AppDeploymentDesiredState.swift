import Foundation
import KubeCore

/// Context → the objects of a Deployment (`quartermaster.dev`), as a pure function. The
/// reconciler observes, decides the digest and revision (``AppDeploymentRevisionPlan``), diffs,
/// applies and reports; every object's shape is decided here and in the extensions
/// (`+Deployment`, `+Networking`, `+Scaling`, `+Storage`, `+Quota`).
///
/// Suspended (`spec.suspended` or the namespace's Tenant): the apps/v1 Deployment has
/// `replicas: 0`, no HorizontalPodAutoscaler (it would scale it back up) and no
/// PodDisruptionBudget; the Service, Ingress, NetworkPolicy, claim and database stay.
public enum AppDeploymentDesiredState {
    /// Annotation on the Ingress naming the cert-manager ClusterIssuer (`expose.tls.issuer`).
    public static let clusterIssuerAnnotation = "cert-manager.io/cluster-issuer"
    /// `revisionHistoryLimit` of the apps/v1 Deployment: the operator keeps its own history
    /// (`status.history`); the previous ReplicaSet is kept so that rolling back to it scales an
    /// existing ReplicaSet up again.
    public static let appsRevisionHistoryLimit = 1
    /// Number of hex digits of ``templateHash(_:)``.
    public static let templateHashLength = 16

    /// The objects `context` asks for.
    ///
    /// - Throws: ``AppDeploymentProblem`` (`InvalidSpec`) for a quantity that cannot be read
    ///   (validation refuses such a spec first).
    public static func compute(_ context: AppDeploymentContext) throws -> AppDeploymentDesiredObjects {
        let r = try Renderer(context)
        return AppDeploymentDesiredObjects(
            deployment: r.deployment(), service: r.service(), ingress: r.ingress(),
            horizontalPodAutoscaler: r.horizontalPodAutoscaler(), networkPolicy: r.networkPolicy(),
            podDisruptionBudget: r.podDisruptionBudget(), persistentVolumeClaim: r.persistentVolumeClaim(),
            database: r.database(), templateHash: r.templateHash())
    }

    /// The revision identity of what the pods run besides the image: the first
    /// ``templateHashLength`` hex digits of the ``ContentHash`` of the rendered pod template
    /// with the image and the revision annotation left out. Equal for two contexts that
    /// differ only in ``AppDeploymentContext/image``, ``AppDeploymentContext/revision``,
    /// replicas, autoscaling, exposure or suspension; different when anything the pods see
    /// changes (command, args, env, resources, probes, port, volume, database Secret, IPFS
    /// binding, node selector, pull Secrets).
    ///
    /// - Throws: ``AppDeploymentProblem`` (`InvalidSpec`) for a quantity that cannot be read
    ///   (validation refuses such a spec first).
    public static func templateHash(_ context: AppDeploymentContext) throws -> String {
        try Renderer(context).templateHash()
    }

    /// Reads the context once: the one place the spec's fields and their defaults are read.
    struct Renderer {
        var context: AppDeploymentContext
        var names: AppDeploymentNames
        var port: Int
        var resources: ResourceRequirements
        var volume: Volume?
        var suspended: Bool

        struct Volume {
            var size: Quantity
            var storageClassName: String?
            var mountPath: String
            var accessMode: AppDeploymentSpec.Volume.AccessMode
        }

        init(_ context: AppDeploymentContext) throws {
            self.context = context
            let spec = context.spec
            names = AppDeploymentNames(instance: context.name)
            port = spec.port
            do throws(AppDeploymentSpec.ResourceRequirements.UnparsableQuantity) {
                resources = try spec.resources.parsed()
            } catch {
                throw Self.notAQuantity("spec.resources.\(error.field)")
            }
            volume = try spec.volume.map { volume in
                guard let size = Quantity(parsing: volume.size) else {
                    throw Self.notAQuantity("spec.volume.size")
                }
                return Volume(
                    size: size, storageClassName: volume.storageClassName, mountPath: volume.mountPath,
                    accessMode: volume.accessMode)
            }
            suspended = spec.suspended || context.tenant.suspended
        }

        static func notAQuantity(_ field: String) -> AppDeploymentProblem {
            AppDeploymentProblem(reason: .invalidSpec, message: "\(field): not a quantity")
        }

        var spec: AppDeploymentSpec { context.spec }
        var selector: [String: String] { AppDeploymentLabels.selector(instance: names.instance) }
        var labels: [String: String] { AppDeploymentLabels.labels(instance: names.instance) }

        func metadata(_ name: String, annotations: [String: String]? = nil) -> ObjectMeta {
            .owned(name: name, namespace: context.namespace, labels: labels, annotations: annotations, owner: context.owner)
        }

        /// The replicas running when nothing scales: `replicas`, or the autoscaler's minimum.
        var baseReplicas: Int { spec.autoscaling?.minReplicas ?? spec.replicas }

        /// The most replicas that can run: `autoscaling.maxReplicas`, else ``baseReplicas``.
        var maxReplicas: Int { spec.autoscaling.map { max($0.maxReplicas, baseReplicas) } ?? baseReplicas }

        /// Whether an HPA scales the Deployment now.
        var autoscaled: Bool { spec.autoscaling != nil && context.servedAPIs.autoscalingV2 && !suspended }

        func templateHash() -> String {
            var template = podTemplate()
            template.metadata?.annotations?[AppDeploymentObservedRollout.revisionAnnotation] = nil
            if template.metadata?.annotations?.isEmpty == true { template.metadata?.annotations = nil }
            for i in (template.spec?.containers ?? []).indices { template.spec?.containers[i].image = nil }
            let encoded = (try? KubeJSON.encode(template)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return String(ContentHash.sha256([("podTemplate", ["json": encoded])]).prefix(templateHashLength))
        }
    }
}
