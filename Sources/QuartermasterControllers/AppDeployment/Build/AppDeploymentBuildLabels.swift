/// Labels and annotations of the objects in the build namespace (the contract's). Every one
/// carries `quartermaster.dev/deployment: <app>`, `quartermaster.dev/deployment-namespace:
/// <namespace>` and `app.kubernetes.io/managed-by: quartermaster`; Jobs, their pods and the
/// Dockerfile ConfigMap add `quartermaster.dev/build-step: analyze | poll | build`. No owner
/// references: the owner is in another namespace.
public enum AppDeploymentBuildLabels {
    /// `quartermaster.dev/deployment`: the app's name (``AppDeploymentLabels/deployment``).
    public static let deployment = AppDeploymentLabels.deployment
    /// `quartermaster.dev/deployment-namespace`: the app's namespace.
    public static let deploymentNamespace = "quartermaster.dev/deployment-namespace"
    /// `quartermaster.dev/build-step`: which step a Job (and its pod) runs.
    public static let buildStep = "quartermaster.dev/build-step"

    /// `quartermaster.dev/source-commit` (annotation): the commit a build Job builds, or the
    /// commit an analyse Job was asked for.
    public static let commitAnnotation = "quartermaster.dev/source-commit"
    /// `quartermaster.dev/build-image` (annotation): `<repository>:<commit>` a build Job pushes.
    public static let imageAnnotation = "quartermaster.dev/build-image"

    /// The steps, as the label's values.
    public enum Step: String, Sendable, Hashable, CaseIterable {
        case analyze, poll, build
    }

    /// The labels of every build object of `app` in `namespace`; with `step` for Jobs, their pods
    /// and the Dockerfile ConfigMap.
    public static func labels(app: String, namespace: String, step: Step? = nil) -> [String: String] {
        var labels = [
            deployment: app, deploymentNamespace: namespace,
            QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue,
        ]
        if let step { labels[buildStep] = step.rawValue }
        return labels
    }

    /// The step of a build Job or pod, from its ``buildStep`` label; `nil` when absent or unknown.
    public static func step(of labels: [String: String]?) -> Step? {
        labels?[buildStep].flatMap(Step.init(rawValue:))
    }

    /// Selects every build object of `app` in `namespace` (for caches and cleanup).
    public static func selector(app: String, namespace: String) -> [String: String] {
        labels(app: app, namespace: namespace)
    }
}
