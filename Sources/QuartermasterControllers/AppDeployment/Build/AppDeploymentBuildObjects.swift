import Foundation
import KubeCore

/// The objects a source Deployment needs in its tenant's build namespace, as pure functions of
/// an ``AppDeploymentBuildInput`` (the contract's "Build objects"):
///
/// - ``analyzeJob(_:commit:)``: clones the source and runs `quartermaster analyze`; its
///   termination message is a `SourceReport` with the analysis;
/// - ``pollJob(_:now:intervalSeconds:)``: `analyze --resolve-only`, the reference's commit;
/// - ``buildJob(_:commit:dockerfile:)``: checks the commit out and builds and pushes
///   `<repository>:<commit>` with Kaniko or BuildKit; its termination message is the digest;
/// - ``dockerfileConfigMap(_:commit:dockerfile:)``: the generated Dockerfile it builds;
/// - ``gitSecretCopy(_:from:)``, ``pushSecretCopy(_:from:)``: the app's Secrets, copied.
///
/// Names: ``AppDeploymentBuildNames``; labels: ``AppDeploymentBuildLabels``. Every Job has
/// `backoffLimit: 0`, an `activeDeadlineSeconds`, `restartPolicy: Never`, no service-account
/// token and no service links; every container has requests and limits (the build namespace
/// has a ResourceQuota) and `terminationMessagePolicy: FallbackToLogsOnError`. The analyse and
/// poll pods meet Pod Security "restricted"; the build pod needs "baseline" (Kaniko runs as
/// root) or "privileged" (BuildKit rootless: unconfined seccomp and AppArmor).
public enum AppDeploymentBuildObjects {
    /// The analyse and poll Jobs' `activeDeadlineSeconds`: 300.
    public static let sourceDeadlineSeconds = 300

    /// The main container of each step, whose termination message is read.
    public static func containerName(_ step: AppDeploymentBuildLabels.Step) -> String {
        switch step {
        case .analyze: "analyze"
        case .poll: "poll"
        case .build: "builder"
        }
    }

    /// The build Job's init container checking the commit out.
    public static let checkoutContainerName = "checkout"
    /// The init container copying the operator's binary.
    public static let installContainerName = "install"

    /// The analyse Job: `install`, then `analyze` at the input's reference, or at `commit` when
    /// given (a new commit a poll found). Name ``AppDeploymentBuildInput/analyzeJobName(commit:)``.
    public static func analyzeJob(_ input: AppDeploymentBuildInput, commit: String? = nil) -> Job {
        sourceJob(
            input, name: input.analyzeJobName(commit: commit), step: .analyze, mode: .analyze(commit: commit),
            annotations: commit.map { [AppDeploymentBuildLabels.commitAnnotation: $0] })
    }

    /// The poll Job of the interval slot `now` falls in: `analyze --resolve-only` at the input's
    /// reference. Name ``AppDeploymentBuildInput/pollJobName(now:intervalSeconds:)``.
    public static func pollJob(_ input: AppDeploymentBuildInput, now: Date, intervalSeconds: Int) -> Job {
        sourceJob(
            input, name: input.pollJobName(now: now, intervalSeconds: intervalSeconds), step: .poll, mode: .resolve,
            annotations: nil)
    }

    private static func sourceJob(
        _ input: AppDeploymentBuildInput, name: String, step: AppDeploymentBuildLabels.Step, mode: SourceMode,
        annotations: [String: String]?
    ) -> Job {
        let pod = PodSpec(
            containers: [sourceContainer(input, name: containerName(step), mode: mode)],
            initContainers: [installContainer(input)],
            volumes: sourceVolumes(input),
            securityContext: sourcePodSecurity)
        return job(
            input, name: name, step: step, deadlineSeconds: sourceDeadlineSeconds, annotations: annotations, pod: pod)
    }

    /// The copy of the app's git Secret in the build namespace: `<app>-git`, the same type and
    /// data, the build labels.
    public static func gitSecretCopy(_ input: AppDeploymentBuildInput, from source: Secret) -> Secret {
        secretCopy(input, name: input.names.gitSecret, from: source)
    }

    /// The copy of the app's push Secret in the build namespace: `<app>-push`, the same type
    /// (`kubernetes.io/dockerconfigjson`) and data, the build labels.
    public static func pushSecretCopy(_ input: AppDeploymentBuildInput, from source: Secret) -> Secret {
        secretCopy(input, name: input.names.pushSecret, from: source)
    }

    private static func secretCopy(_ input: AppDeploymentBuildInput, name: String, from source: Secret) -> Secret {
        Secret(
            metadata: ObjectMeta(
                name: name, namespace: input.buildNamespace,
                labels: AppDeploymentBuildLabels.labels(app: input.app, namespace: input.namespace)),
            type: source.type, data: source.data ?? [:])
    }
}
