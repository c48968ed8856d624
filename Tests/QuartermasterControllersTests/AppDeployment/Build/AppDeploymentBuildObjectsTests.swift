import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct AppDeploymentBuildObjectsTests {
    typealias S = AppDeploymentBuildSamples
    typealias O = AppDeploymentBuildObjects

    static let generated = AppDeploymentBuildInput.Dockerfile.generated(S.dockerfileText)

    func podSpec(_ job: Job) throws -> PodSpec { try #require(job.spec?.template.spec) }
    func container(_ job: Job, _ name: String) throws -> Container {
        let pod = try podSpec(job)
        return try #require((pod.initContainers ?? []).first { $0.name == name } ?? pod.containers.first { $0.name == name })
    }
    func mount(_ c: Container, _ path: String) -> VolumeMount? { c.volumeMounts?.first { $0.mountPath == path } }

    /// Every Job of one input, with its step.
    func allJobs(_ input: AppDeploymentBuildInput) -> [(AppDeploymentBuildLabels.Step, Job)] {
        [
            (.analyze, O.analyzeJob(input)), (.analyze, O.analyzeJob(input, commit: S.commitB)),
            (.poll, O.pollJob(input, now: Date(timeIntervalSince1970: 1_764_759_700), intervalSeconds: 300)),
            (.build, O.buildJob(input, commit: S.commitA, dockerfile: Self.generated)),
            (.build, O.buildJob(input, commit: S.commitA, dockerfile: .repository(path: "Dockerfile"))),
        ]
    }

    @Test func jobsHaveTheContractsShape() throws {
        for input in [S.input(), S.input { $0.builder = .buildKit; $0.gitSecretName = "git-creds"; $0.pushSecretName = "regcred" }] {
            for (step, job) in allJobs(input) {
                let name = try #require(job.metadata.name)
                #expect(job.metadata.namespace == "acme-build", "\(name)")
                #expect(job.metadata.ownerReferences == nil, "cross-namespace: no owner")
                let labels = [
                    "quartermaster.dev/deployment": "web", "quartermaster.dev/deployment-namespace": "acme",
                    "quartermaster.dev/build-step": step.rawValue, "app.kubernetes.io/managed-by": "quartermaster",
                ]
                #expect(job.metadata.labels == labels, "\(name)")
                #expect(job.spec?.template.metadata?.labels == labels, "\(name): pods carry the step")
                #expect(job.spec?.backoffLimit == 0)
                #expect(job.spec?.activeDeadlineSeconds == (step == .build ? 1800 : 300), "\(name)")
                #expect(job.spec?.ttlSecondsAfterFinished == nil, "the reconciler deletes old Jobs")
                let pod = try podSpec(job)
                #expect(pod.restartPolicy == "Never" && pod.automountServiceAccountToken == false && pod.enableServiceLinks == false)
                let containers = pod.containers + (pod.initContainers ?? [])
                for c in containers {
                    #expect(c.terminationMessagePolicy == "FallbackToLogsOnError", "\(name)/\(c.name)")
                    #expect(c.resources?.requests?["cpu"] != nil && c.resources?.requests?["memory"] != nil, "\(name)/\(c.name)")
                    #expect(c.resources?.limits?["cpu"] != nil && c.resources?.limits?["memory"] != nil, "\(name)/\(c.name)")
                }
                #expect(pod.initContainers?.first?.name == "install")
                #expect(pod.containers.map(\.name) == [O.containerName(step)])
            }
        }
    }

    @Test func installRunsTheOperatorImageLikePostgresInstancePods() throws {
        let install = try container(O.analyzeJob(S.input()), "install")
        #expect(install.image == S.operatorImage)
        #expect(install.command == ["/quartermaster", "instance", "install", "/tools/quartermaster"])
        #expect(mount(install, "/tools")?.readOnly == nil)
        #expect(install.volumeMounts?.count == 1)
    }

    @Test func analyzeArgumentsFollowTheReference() throws {
        struct Row {
            var reference: AppDeploymentBuildInput.Reference
            var subPath = ""
            var commit: String?
            var allowFile = false
            var args: [String]
        }
        let url = "https://github.com/acme/web.git"
        let rows = [
            Row(reference: .head, args: ["analyze", "--repository", url, "--workdir", "/workspace"]),
            Row(reference: .branch("main"), args: ["analyze", "--repository", url, "--branch", "main", "--workdir", "/workspace"]),
            Row(reference: .tag("v1.2.0"), subPath: "/apps/web/", args: [
                "analyze", "--repository", url, "--tag", "v1.2.0", "--sub-path", "apps/web", "--workdir", "/workspace",
            ]),
            Row(reference: .commit(S.commitA), args: ["analyze", "--repository", url, "--commit", S.commitA, "--workdir", "/workspace"]),
            // A commit found by a poll replaces the branch.
            Row(reference: .branch("main"), commit: S.commitB, args: [
                "analyze", "--repository", url, "--commit", S.commitB, "--workdir", "/workspace",
            ]),
            Row(reference: .head, allowFile: true, args: ["analyze", "--repository", url, "--workdir", "/workspace", "--allow-file-url"]),
        ]
        for row in rows {
            let input = S.input {
                $0.reference = row.reference
                $0.subPath = row.subPath
                $0.allowFileURLs = row.allowFile
            }
            let analyze = try container(O.analyzeJob(input, commit: row.commit), "analyze")
            #expect(analyze.command == ["/tools/quartermaster"])
            #expect(analyze.args == row.args)
            #expect(analyze.image == "docker.io/alpine/git:v2.47.2")
            #expect(analyze.env == [EnvVar(name: "HOME", value: "/workspace/home")])
            let job = O.analyzeJob(input, commit: row.commit)
            #expect(job.metadata.annotations?[AppDeploymentBuildLabels.commitAnnotation] == row.commit)
        }
    }

    @Test func pollResolvesOnlyAndCheckoutChecksOutTheCommit() throws {
        let input = S.input { $0.subPath = "apps/web" }
        let poll = try container(O.pollJob(input, now: Date(timeIntervalSince1970: 1_764_759_700), intervalSeconds: 300), "poll")
        #expect(poll.args == [
            "analyze", "--repository", "https://github.com/acme/web.git", "--branch", "main", "--sub-path", "apps/web",
            "--workdir", "/workspace", "--resolve-only",
        ])
        let checkout = try container(O.buildJob(input, commit: S.commitA, dockerfile: Self.generated), "checkout")
        #expect(checkout.command == ["/tools/quartermaster"])
        #expect(checkout.args == [
            "analyze", "--repository", "https://github.com/acme/web.git", "--commit", S.commitA, "--sub-path", "apps/web",
            "--workdir", "/workspace", "--checkout-only",
        ])
        let build = O.buildJob(input, commit: S.commitA, dockerfile: Self.generated)
        #expect(try podSpec(build).initContainers?.map(\.name) == ["install", "checkout"])
    }

    @Test func theGitSecretCopyIsMountedOnlyWhenThereIsOne() throws {
        for secret in [nil, "git-creds"] as [String?] {
            let input = S.input { $0.gitSecretName = secret }
            for (step, job) in allJobs(input) {
                let pod = try podSpec(job)
                let volume = pod.volumes?.first { $0.name == "git-credentials" }
                #expect((volume != nil) == (secret != nil), "\(step)")
                if secret != nil { #expect(volume?.secret == SecretVolumeSource(secretName: "web-git", defaultMode: 0o440)) }
                let source = try container(job, step == .build ? "checkout" : O.containerName(step))
                #expect(mount(source, "/etc/quartermaster/git")?.readOnly == (secret != nil ? true : nil), "\(step)")
                #expect(mount(source, "/tools")?.readOnly == true)
                #expect(mount(source, "/workspace") != nil && mount(source, "/tmp") != nil)
                for name in ["tools", "workspace", "tmp"] {
                    #expect(pod.volumes?.first { $0.name == name }?.emptyDir != nil, "\(step) \(name)")
                }
                if step == .build {
                    #expect(mount(try container(job, "builder"), "/etc/quartermaster/git") == nil, "the builder never sees git credentials")
                }
            }
        }
    }

    @Test func kanikoBuildsTheCommitAndWritesTheDigest() throws {
        struct Row {
            var subPath: String
            var dockerfile: AppDeploymentBuildInput.Dockerfile
            var context: String
            var dockerfileArg: String
        }
        let rows = [
            Row(subPath: "", dockerfile: Self.generated, context: "dir:///workspace/src", dockerfileArg: "/build/Dockerfile"),
            Row(subPath: "apps/web", dockerfile: Self.generated, context: "dir:///workspace/src/apps/web", dockerfileArg: "/build/Dockerfile"),
            Row(subPath: "", dockerfile: .repository(path: "Dockerfile"), context: "dir:///workspace/src", dockerfileArg: "/workspace/src/Dockerfile"),
            Row(subPath: "apps/web", dockerfile: .repository(path: "docker/prod.Dockerfile"), context: "dir:///workspace/src/apps/web",
                dockerfileArg: "/workspace/src/apps/web/docker/prod.Dockerfile"),
        ]
        for row in rows {
            let input = S.input { $0.subPath = row.subPath }
            let job = O.buildJob(input, commit: S.commitA, dockerfile: row.dockerfile)
            let builder = try container(job, "builder")
            #expect(builder.image == "gcr.io/kaniko-project/executor:v1.23.2")
            #expect(builder.command == nil, "the image's /kaniko/executor")
            #expect(builder.args == [
                "--context=\(row.context)", "--dockerfile=\(row.dockerfileArg)",
                "--destination=registry.example.com/acme/web:\(S.commitA)", "--digest-file=/dev/termination-log", "--cache=false",
            ])
            #expect(builder.resources == ResourceRequirements(
                limits: ["cpu": "2", "memory": "4Gi"], requests: ["cpu": "500m", "memory": "1Gi"]))
            let generated = if case .generated = row.dockerfile { true } else { false }
            #expect((mount(builder, "/build") != nil) == generated)
            #expect(try podSpec(job).volumes?.first { $0.name == "dockerfile" }?.configMap?.name == (generated ? job.metadata.name : nil))
            #expect(job.metadata.annotations == [
                "quartermaster.dev/source-commit": S.commitA,
                "quartermaster.dev/build-image": "registry.example.com/acme/web:\(S.commitA)",
            ])
        }
    }

    @Test func kanikoRunsAsRootWithOnlyTheCapabilitiesItNeeds() throws {
        let job = O.buildJob(S.input(), commit: S.commitA, dockerfile: Self.generated)
        let s = try #require(try container(job, "builder").securityContext)
        #expect(s.runAsUser == 0 && s.runAsNonRoot == nil && s.privileged == nil)
        #expect(s.capabilities == Capabilities(add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID"], drop: ["ALL"]))
        #expect(s.allowPrivilegeEscalation == false)
        #expect(s.seccompProfile == SeccompProfile(type: "RuntimeDefault"))
        let template = try #require(job.spec?.template)
        #expect(PodSecurityStandard.violations(template, level: .baseline) == [], "the build namespace enforces baseline")
        #expect(!PodSecurityStandard.violations(template, level: .restricted).isEmpty)
        // Everything but the builder is restricted.
        var others = template
        others.spec?.containers = []
        #expect(PodSecurityStandard.violations(others, level: .restricted) == [])
    }

    @Test func pushSecretBecomesTheBuildersRegistryConfiguration() throws {
        for builder in AppDeploymentBuildInput.Builder.allCases {
            for secret in [nil, "regcred"] as [String?] {
                let input = S.input {
                    $0.builder = builder
                    $0.pushSecretName = secret
                }
                let job = O.buildJob(input, commit: S.commitA, dockerfile: Self.generated)
                let volume = try podSpec(job).volumes?.first { $0.name == "push-credentials" }
                #expect((volume != nil) == (secret != nil))
                if secret != nil {
                    #expect(volume?.secret == SecretVolumeSource(
                        secretName: "web-push", items: [KeyToPath(key: ".dockerconfigjson", path: "config.json")], defaultMode: 0o440))
                }
                let path = builder == .kaniko ? "/kaniko/.docker" : "/home/user/.docker"
                #expect(mount(try container(job, "builder"), path)?.readOnly == (secret != nil ? true : nil), "\(builder)")
                for source in ["install", "checkout"] {
                    #expect(try container(job, source).volumeMounts?.contains { $0.name == "push-credentials" } == false)
                }
            }
        }
    }

    @Test func buildKitRunsRootlessAndNeedsPrivileged() throws {
        let input = S.input {
            $0.builder = .buildKit
            $0.subPath = "apps/web"
            $0.resources = ResourceRequirements(limits: ["cpu": "4", "memory": "8Gi"], requests: ["cpu": "1", "memory": "2Gi"])
        }
        let job = O.buildJob(input, commit: S.commitA, dockerfile: .repository(path: "docker/prod.Dockerfile"))
        let builder = try container(job, "builder")
        #expect(builder.image == "moby/buildkit:v0.16.0-rootless")
        #expect(builder.command?.prefix(2) == ["sh", "-c"] && builder.command?.last == "buildkit")
        #expect(builder.args == [
            "/workspace/src/apps/web", "/workspace/src/apps/web/docker", "prod.Dockerfile", "registry.example.com/acme/web:\(S.commitA)",
        ])
        #expect(builder.env?.contains(EnvVar(name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox")) == true)
        #expect(builder.resources == input.resources)
        let s = try #require(builder.securityContext)
        #expect(s.runAsUser == 1000 && s.runAsGroup == 1000 && s.runAsNonRoot == true)
        #expect(s.seccompProfile == SeccompProfile(type: "Unconfined"))
        #expect(mount(builder, "/home/user/.local/share/buildkit") != nil)
        let template = try #require(job.spec?.template)
        #expect(template.metadata?.annotations == ["container.apparmor.security.beta.kubernetes.io/builder": "unconfined"])
        #expect(Set(PodSecurityStandard.violations(template, level: .baseline)) == [
            "container.apparmor.security.beta.kubernetes.io/builder: unconfined", "builder: seccompProfile Unconfined",
        ])
        // A generated Dockerfile: the ConfigMap's directory and file.
        let generated = try container(O.buildJob(input, commit: S.commitA, dockerfile: Self.generated), "builder")
        #expect(generated.args?[1...2] == ["/build", "Dockerfile"])
        // An overridden builder image is used.
        let custom = S.input { $0.builder = .buildKit; $0.builderImage = "registry.example.com/mirror/buildkit:rootless" }
        #expect(try container(O.buildJob(custom, commit: S.commitA, dockerfile: Self.generated), "builder").image
            == "registry.example.com/mirror/buildkit:rootless")
    }

    @Test func sourcePodsMeetPodSecurityRestricted() throws {
        for input in [S.input(), S.input { $0.gitSecretName = "git-creds" }] {
            for job in [O.analyzeJob(input), O.pollJob(input, now: Date(timeIntervalSince1970: 0), intervalSeconds: 60)] {
                let template = try #require(job.spec?.template)
                #expect(PodSecurityStandard.violations(template, level: .restricted) == [])
                let pod = try podSpec(job)
                #expect(pod.securityContext == PodSecurityContext(
                    runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532,
                    seccompProfile: SeccompProfile(type: "RuntimeDefault")))
                for c in pod.containers + (pod.initContainers ?? []) {
                    #expect(c.securityContext?.readOnlyRootFilesystem == true, "\(c.name)")
                    #expect(c.securityContext?.runAsUser == 65532, "\(c.name)")
                }
            }
        }
    }

    @Test func theDockerfileConfigMapExistsOnlyForGeneratedDockerfiles() throws {
        let input = S.input()
        #expect(O.dockerfileConfigMap(input, commit: S.commitA, dockerfile: .repository(path: "Dockerfile")) == nil)
        let map = try #require(O.dockerfileConfigMap(input, commit: S.commitA, dockerfile: Self.generated))
        #expect(map.metadata.name == O.buildJob(input, commit: S.commitA, dockerfile: Self.generated).metadata.name)
        #expect(map.metadata.namespace == "acme-build")
        #expect(map.data == ["Dockerfile": S.dockerfileText])
        #expect(map.metadata.labels?["quartermaster.dev/build-step"] == "build")
        #expect(map.metadata.labels?["quartermaster.dev/deployment-namespace"] == "acme")
    }

    @Test func secretCopiesKeepTypeAndData() {
        let input = S.input()
        var git = Secret(
            metadata: ObjectMeta(name: "git-creds", namespace: "acme", labels: ["team": "a"]),
            type: "kubernetes.io/ssh-auth", data: ["ssh-privatekey": "a2V5", "known_hosts": "aG9zdHM="])
        git.metadata.uid = "u1"
        git.metadata.resourceVersion = "7"
        let copy = O.gitSecretCopy(input, from: git)
        #expect(copy.metadata.name == "web-git" && copy.metadata.namespace == "acme-build")
        #expect(copy.metadata.uid == nil && copy.metadata.resourceVersion == nil && copy.metadata.ownerReferences == nil)
        #expect(copy.type == "kubernetes.io/ssh-auth" && copy.data == git.data)
        #expect(copy.metadata.labels == AppDeploymentBuildLabels.labels(app: "web", namespace: "acme"))
        let push = Secret(
            metadata: ObjectMeta(name: "regcred", namespace: "acme"), type: "kubernetes.io/dockerconfigjson",
            data: [".dockerconfigjson": "e30="])
        let pushCopy = O.pushSecretCopy(input, from: push)
        #expect(pushCopy.metadata.name == "web-push" && pushCopy.type == "kubernetes.io/dockerconfigjson")
        #expect(pushCopy.data == [".dockerconfigjson": "e30="])
    }

    @Test func theAnalyzeJobRoundTripsThroughKubeJSON() throws {
        for input in [S.input(), S.input { $0.gitSecretName = "git-creds"; $0.subPath = "apps/web"; $0.reference = .tag("v1") }] {
            let job = O.analyzeJob(input, commit: S.commitA)
            let data = try KubeJSON.encode(job)
            let decoded = try KubeJSON.decode(Job.self, from: data)
            #expect(decoded == job)
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(json["apiVersion"] as? String == "batch/v1" && json["kind"] as? String == "Job")
        }
        for builder in AppDeploymentBuildInput.Builder.allCases {
            let job = O.buildJob(S.input { $0.builder = builder; $0.pushSecretName = "r" }, commit: S.commitA, dockerfile: Self.generated)
            #expect(try KubeJSON.decode(Job.self, from: try KubeJSON.encode(job)) == job)
        }
    }
}
