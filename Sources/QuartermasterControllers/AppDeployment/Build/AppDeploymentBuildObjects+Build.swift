import KubeCore

/// The build Job (Kaniko or BuildKit) and its Dockerfile ConfigMap.
extension AppDeploymentBuildObjects {
    /// Where the generated Dockerfile's ConfigMap is mounted: `/build` (file `Dockerfile`).
    public static let dockerfileDirectory = "/build"
    /// The ConfigMap's key and file name: `Dockerfile`.
    public static let dockerfileKey = "Dockerfile"
    /// Kaniko's registry configuration directory (`DOCKER_CONFIG` of its image).
    public static let kanikoDockerConfigDirectory = "/kaniko/.docker"
    /// BuildKit rootless's home (user 1000 of the image).
    public static let buildKitHome = "/home/user"
    /// The uid and gid BuildKit rootless runs as: 1000.
    public static let buildKitUserID: Int64 = 1000
    /// The capabilities Kaniko keeps (everything else dropped): it unpacks base images and
    /// runs `RUN` steps as root, changing file owners and users.
    public static let kanikoCapabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID"]
    /// The BuildKit metadata file the digest is read from.
    static let buildKitMetadataFile = "/tmp/build-metadata.json"

    /// The build Job for `commit`: init containers `install` and `checkout` (`analyze
    /// --checkout-only --commit <commit>`, restricted), then `builder` building `dockerfile` in
    /// `/workspace/src/<subPath>` and pushing `<repository>:<commit>`, the digest written to
    /// its termination message. `activeDeadlineSeconds` is the input's timeout. Name
    /// ``AppDeploymentBuildInput/buildJobName(commit:dockerfile:)``.
    public static func buildJob(
        _ input: AppDeploymentBuildInput, commit: String, dockerfile: AppDeploymentBuildInput.Dockerfile
    ) -> Job {
        var volumes = sourceVolumes(input)
        if case .generated = dockerfile {
            volumes.append(
                Volume(
                    name: Volumes.dockerfile,
                    configMap: ConfigMapVolumeSource(name: input.buildJobName(commit: commit, dockerfile: dockerfile))))
        }
        if input.pushSecretName != nil {
            volumes.append(
                Volume(
                    name: Volumes.pushCredentials,
                    secret: SecretVolumeSource(
                        secretName: input.names.pushSecret,
                        items: [KeyToPath(key: ".dockerconfigjson", path: "config.json")], defaultMode: 0o440)))
        }
        let builder: Container
        var podAnnotations: [String: String]?
        switch input.builder {
        case .kaniko:
            builder = kanikoContainer(input, commit: commit, dockerfile: dockerfile)
        case .buildKit:
            builder = buildKitContainer(input, commit: commit, dockerfile: dockerfile)
            volumes.append(Volume(name: Volumes.buildkitState, emptyDir: EmptyDirVolumeSource()))
            // v1.20-era servers have no securityContext.appArmorProfile; the annotation works on all.
            podAnnotations = ["container.apparmor.security.beta.kubernetes.io/\(builder.name)": "unconfined"]
        }
        let pod = PodSpec(
            containers: [builder],
            initContainers: [
                installContainer(input),
                sourceContainer(input, name: checkoutContainerName, mode: .checkout(commit: commit)),
            ],
            volumes: volumes,
            // No runAsNonRoot here: Kaniko runs as root. Each container sets its own user.
            securityContext: PodSecurityContext(fsGroup: sourceUserID, seccompProfile: SeccompProfile(type: "RuntimeDefault")))
        return job(
            input, name: input.buildJobName(commit: commit, dockerfile: dockerfile), step: .build,
            deadlineSeconds: input.timeoutSeconds,
            annotations: [
                AppDeploymentBuildLabels.commitAnnotation: commit,
                AppDeploymentBuildLabels.imageAnnotation: input.image(commit: commit),
            ],
            podAnnotations: podAnnotations, pod: pod)
    }

    /// The ConfigMap holding a generated Dockerfile (key `Dockerfile`), named as the build Job;
    /// `nil` for the repository's own Dockerfile.
    public static func dockerfileConfigMap(
        _ input: AppDeploymentBuildInput, commit: String, dockerfile: AppDeploymentBuildInput.Dockerfile
    ) -> ConfigMap? {
        guard case .generated(let text) = dockerfile else { return nil }
        return ConfigMap(
            metadata: ObjectMeta(
                name: input.buildJobName(commit: commit, dockerfile: dockerfile), namespace: input.buildNamespace,
                labels: AppDeploymentBuildLabels.labels(app: input.app, namespace: input.namespace, step: .build)),
            data: [dockerfileKey: text], immutable: true)
    }

    /// The build context: `/workspace/src/<subPath>`.
    static func contextDirectory(_ input: AppDeploymentBuildInput) -> String {
        let subPath = input.normalizedSubPath
        return subPath.isEmpty ? checkoutDirectory : "\(checkoutDirectory)/\(subPath)"
    }

    /// The Dockerfile's path in the pod: `/build/Dockerfile` (generated) or
    /// `<context>/<path>` (the repository's).
    static func dockerfilePath(_ input: AppDeploymentBuildInput, _ dockerfile: AppDeploymentBuildInput.Dockerfile) -> String {
        switch dockerfile {
        case .generated: return "\(dockerfileDirectory)/\(dockerfileKey)"
        case .repository(let path):
            let relative = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
                .joined(separator: "/")
            return "\(contextDirectory(input))/\(relative.isEmpty ? dockerfileKey : relative)"
        }
    }

    /// Mounts both builders share: the checkout, and the Dockerfile's ConfigMap when generated.
    private static func builderMounts(_ dockerfile: AppDeploymentBuildInput.Dockerfile) -> [VolumeMount] {
        var mounts = [VolumeMount(name: Volumes.workspace, mountPath: workspaceDirectory)]
        if case .generated = dockerfile {
            mounts.append(VolumeMount(name: Volumes.dockerfile, mountPath: dockerfileDirectory, readOnly: true))
        }
        return mounts
    }

    /// Kaniko: `--context=dir://<context> --dockerfile=<path> --destination=<repo>:<commit>
    /// --digest-file=/dev/termination-log --cache=false`; root with only
    /// ``kanikoCapabilities``, no privilege escalation, runtime-default seccomp; the push
    /// Secret as `/kaniko/.docker/config.json`.
    static func kanikoContainer(
        _ input: AppDeploymentBuildInput, commit: String, dockerfile: AppDeploymentBuildInput.Dockerfile
    ) -> Container {
        var mounts = builderMounts(dockerfile)
        if input.pushSecretName != nil {
            mounts.append(VolumeMount(name: Volumes.pushCredentials, mountPath: kanikoDockerConfigDirectory, readOnly: true))
        }
        return Container(
            name: containerName(.build), image: input.effectiveBuilderImage,
            args: [
                "--context=dir://\(contextDirectory(input))",
                "--dockerfile=\(dockerfilePath(input, dockerfile))",
                "--destination=\(input.image(commit: commit))",
                "--digest-file=/dev/termination-log",
                "--cache=false",
            ],
            resources: input.resources, volumeMounts: mounts,
            securityContext: SecurityContext(
                runAsUser: 0, allowPrivilegeEscalation: false, readOnlyRootFilesystem: false,
                capabilities: Capabilities(add: kanikoCapabilities, drop: ["ALL"]),
                seccompProfile: SeccompProfile(type: "RuntimeDefault")),
            terminationMessagePolicy: "FallbackToLogsOnError")
    }

    /// The script the BuildKit container runs with `sh -c` (values come as positional
    /// parameters, never spliced into the script): `buildctl-daemonless.sh build` with the
    /// Dockerfile frontend, pushing `$4`, `--metadata-file`; then `containerimage.digest` from
    /// the metadata to the termination log (none: a failure line and exit 1).
    static let buildKitScript = """
        set -eu
        buildctl-daemonless.sh build --frontend dockerfile.v0 --local context="$1" --local dockerfile="$2" \
        --opt filename="$3" --output type=image,name="$4",push=true --metadata-file \(buildKitMetadataFile)
        digest=$(sed -n 's/.*"containerimage.digest": *"\\(sha256:[0-9a-f]\\{64\\}\\)".*/\\1/p' \(buildKitMetadataFile) | head -n 1)
        if [ -z "$digest" ]; then echo "DigestMissing: no containerimage.digest in the build metadata" > /dev/termination-log; exit 1; fi
        printf '%s' "$digest" > /dev/termination-log
        """

    /// BuildKit rootless (`buildctl-daemonless.sh`, `BUILDKITD_FLAGS=--oci-worker-no-process-sandbox`):
    /// uid 1000, seccomp Unconfined (and AppArmor unconfined by annotation), which only Pod
    /// Security "privileged" admits; the push Secret as `~/.docker/config.json`.
    static func buildKitContainer(
        _ input: AppDeploymentBuildInput, commit: String, dockerfile: AppDeploymentBuildInput.Dockerfile
    ) -> Container {
        let path = dockerfilePath(input, dockerfile)
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let file = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var mounts = builderMounts(dockerfile)
        mounts.append(VolumeMount(name: Volumes.buildkitState, mountPath: "\(buildKitHome)/.local/share/buildkit"))
        if input.pushSecretName != nil {
            mounts.append(VolumeMount(name: Volumes.pushCredentials, mountPath: "\(buildKitHome)/.docker", readOnly: true))
        }
        return Container(
            name: containerName(.build), image: input.effectiveBuilderImage,
            command: ["sh", "-c", buildKitScript, "buildkit"],
            args: [contextDirectory(input), directory, file, input.image(commit: commit)],
            env: [
                EnvVar(name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox"),
                EnvVar(name: "DOCKER_CONFIG", value: "\(buildKitHome)/.docker"),
            ],
            resources: input.resources, volumeMounts: mounts,
            securityContext: SecurityContext(
                runAsNonRoot: true, runAsUser: buildKitUserID, runAsGroup: buildKitUserID,
                readOnlyRootFilesystem: false, seccompProfile: SeccompProfile(type: "Unconfined")),
            terminationMessagePolicy: "FallbackToLogsOnError")
    }
}
