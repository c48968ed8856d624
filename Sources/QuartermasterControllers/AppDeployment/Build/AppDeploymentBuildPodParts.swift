import KubeCore

/// The pieces every build pod shares: the `install` init container that brings the operator's
/// binary, the source containers running `quartermaster analyze`, their volumes and security.
extension AppDeploymentBuildObjects {
    /// Where the `install` init container copies the operator's binary: `/tools`.
    public static let toolsDirectory = "/tools"
    /// The operator's binary in the pods: `/tools/quartermaster`.
    public static let toolsBinary = "\(toolsDirectory)/quartermaster"
    /// The source steps' working directory (`--workdir`): `/workspace`; the checkout is in `src`.
    public static let workspaceDirectory = "/workspace"
    /// Where the checkout is: `/workspace/src`.
    public static let checkoutDirectory = "\(workspaceDirectory)/src"
    /// git's `HOME`: `/workspace/home`.
    public static let homeDirectory = "\(workspaceDirectory)/home"
    /// Where the git Secret copy is mounted (`analyze`'s default `--credentials-dir`).
    public static let gitCredentialsDirectory = "/etc/quartermaster/git"
    /// The uid and gid of the source steps (distroless `nonroot`): 65532.
    public static let sourceUserID: Int64 = 65532

    /// Requests cpu 50m, memory 64Mi; limits cpu 500m, memory 256Mi (the binary is read whole).
    public static let installResources = ResourceRequirements(
        limits: ["cpu": "500m", "memory": "256Mi"], requests: ["cpu": "50m", "memory": "64Mi"])
    /// Requests cpu 100m, memory 256Mi; limits cpu 1, memory 1Gi: a shallow clone and the analysis.
    public static let sourceResources = ResourceRequirements(
        limits: ["cpu": "1", "memory": "1Gi"], requests: ["cpu": "100m", "memory": "256Mi"])

    enum Volumes {
        static let tools = "tools"
        static let workspace = "workspace"
        static let tmp = "tmp"
        static let gitCredentials = "git-credentials"
        static let pushCredentials = "push-credentials"
        static let dockerfile = "dockerfile"
        static let buildkitState = "buildkit-state"
    }

    /// Pod Security "restricted" for one container: non-root 65532, no escalation, read-only
    /// root file system, every capability dropped, runtime-default seccomp.
    static let sourceContainerSecurity: SecurityContext = {
        var s = SecurityContext.restricted
        s.runAsUser = sourceUserID
        s.runAsGroup = sourceUserID
        return s
    }()

    /// The source pods' security context (restricted): non-root 65532, fsGroup 65532 (the git
    /// Secret's files are group-readable), runtime-default seccomp.
    static let sourcePodSecurity = PodSecurityContext(
        runAsNonRoot: true, runAsUser: sourceUserID, runAsGroup: sourceUserID, fsGroup: sourceUserID,
        seccompProfile: SeccompProfile(type: "RuntimeDefault"))

    /// `install`: the operator image copying its `/quartermaster` to `/tools/quartermaster`,
    /// as PostgresInstance pods get the instance manager (`quartermaster instance install`).
    static func installContainer(_ input: AppDeploymentBuildInput) -> Container {
        Container(
            name: "install", image: input.operatorImage,
            command: ["/quartermaster", "instance", "install", toolsBinary],
            resources: installResources,
            volumeMounts: [VolumeMount(name: Volumes.tools, mountPath: toolsDirectory)],
            securityContext: sourceContainerSecurity, terminationMessagePolicy: "FallbackToLogsOnError")
    }

    /// What a source container runs.
    enum SourceMode {
        /// Clone at the reference (or `commit`) and analyse.
        case analyze(commit: String?)
        /// `--resolve-only`: the reference's commit (`git ls-remote`).
        case resolve
        /// `--checkout-only --commit`: the build's checkout into `/workspace/src`.
        case checkout(commit: String)
    }

    /// The arguments after `/tools/quartermaster`: `analyze --repository URL [--branch B | --tag
    /// T | --commit C] [--sub-path P] --workdir /workspace [--resolve-only | --checkout-only]
    /// [--allow-file-url]`. The termination log stays at its default `/dev/termination-log`.
    static func analyzeArguments(_ input: AppDeploymentBuildInput, mode: SourceMode) -> [String] {
        var args = ["analyze", "--repository", input.repositoryURL]
        switch mode {
        case .analyze(let commit?), .checkout(let commit): args += ["--commit", commit]
        case .analyze(nil), .resolve: args += input.reference.arguments
        }
        let subPath = input.normalizedSubPath
        if !subPath.isEmpty { args += ["--sub-path", subPath] }
        args += ["--workdir", workspaceDirectory]
        switch mode {
        case .analyze: break
        case .resolve: args.append("--resolve-only")
        case .checkout: args.append("--checkout-only")
        }
        if input.allowFileURLs { args.append("--allow-file-url") }
        return args
    }

    /// A container running `/tools/quartermaster analyze …` in the git image (restricted).
    static func sourceContainer(_ input: AppDeploymentBuildInput, name: String, mode: SourceMode) -> Container {
        var mounts = [
            VolumeMount(name: Volumes.tools, mountPath: toolsDirectory, readOnly: true),
            VolumeMount(name: Volumes.workspace, mountPath: workspaceDirectory),
            VolumeMount(name: Volumes.tmp, mountPath: "/tmp"),
        ]
        if input.gitSecretName != nil {
            mounts.append(VolumeMount(name: Volumes.gitCredentials, mountPath: gitCredentialsDirectory, readOnly: true))
        }
        return Container(
            name: name, image: input.gitImage, command: [toolsBinary], args: analyzeArguments(input, mode: mode),
            env: [EnvVar(name: "HOME", value: homeDirectory)],
            resources: sourceResources, volumeMounts: mounts,
            securityContext: sourceContainerSecurity, terminationMessagePolicy: "FallbackToLogsOnError")
    }

    /// `tools`, `workspace` and `tmp` (emptyDirs), and the git Secret copy when there is one
    /// (mode 0440: readable through fsGroup, never world-readable).
    static func sourceVolumes(_ input: AppDeploymentBuildInput) -> [Volume] {
        var volumes = [
            Volume(name: Volumes.tools, emptyDir: EmptyDirVolumeSource()),
            Volume(name: Volumes.workspace, emptyDir: EmptyDirVolumeSource()),
            Volume(name: Volumes.tmp, emptyDir: EmptyDirVolumeSource()),
        ]
        if input.gitSecretName != nil {
            volumes.append(
                Volume(
                    name: Volumes.gitCredentials,
                    secret: SecretVolumeSource(secretName: input.names.gitSecret, defaultMode: 0o440)))
        }
        return volumes
    }

    /// The Job around a pod: `backoffLimit: 0` (a failed step is reported, not retried),
    /// `activeDeadlineSeconds`, `restartPolicy: Never`, no service-account token, no service
    /// links; the labels on the Job and its pods.
    static func job(
        _ input: AppDeploymentBuildInput, name: String, step: AppDeploymentBuildLabels.Step, deadlineSeconds: Int,
        annotations: [String: String]?, podAnnotations: [String: String]? = nil, pod: PodSpec
    ) -> Job {
        let labels = AppDeploymentBuildLabels.labels(app: input.app, namespace: input.namespace, step: step)
        var spec = pod
        spec.restartPolicy = "Never"
        spec.automountServiceAccountToken = false
        spec.enableServiceLinks = false
        return Job(
            metadata: ObjectMeta(name: name, namespace: input.buildNamespace, labels: labels, annotations: annotations),
            spec: JobSpec(
                template: PodTemplateSpec(metadata: ObjectMeta(labels: labels, annotations: podAnnotations), spec: spec),
                backoffLimit: 0, activeDeadlineSeconds: Int64(deadlineSeconds)))
    }
}
