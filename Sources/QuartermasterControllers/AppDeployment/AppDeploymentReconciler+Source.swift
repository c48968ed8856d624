import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging
import SourceBuild

/// Source builds (`spec.source`): the Jobs in the tenant's build namespace, as
/// ``AppDeploymentSourcePlan`` decides, rendered by ``AppDeploymentBuildObjects``.
extension AppDeploymentReconciler {
    /// Held by a source Deployment until its objects in the build namespace are deleted.
    public static let buildCleanupFinalizer = "quartermaster.dev/build-cleanup"

    /// The build namespace of `app`'s Tenant (Tenant cache), or why there is none.
    func buildNamespace(for app: AppDeployment) -> (AppDeploymentSourcePlanInput.BuildNamespace, prefix: String?) {
        let namespace = app.metadata.namespace ?? ""
        guard let tenant = caches.tenants?.list().first(where: { $0.namespaceName == namespace }) else {
            return (.unavailable("no Tenant owns namespace \(namespace): source builds run in a Tenant's build namespace"), nil)
        }
        let tenantName = tenant.metadata.name ?? ""
        let prefix = tenant.spec.builds?.repositoryPrefix
        guard tenant.spec.builds?.isEnabled ?? true else {
            return (.unavailable("builds are disabled for Tenant \(tenantName) (spec.builds.enabled: false)"), prefix)
        }
        guard let buildNamespace = tenant.status?.buildNamespace, !buildNamespace.isEmpty else {
            return (.unavailable("the build namespace of Tenant \(tenantName) is not ready yet"), prefix)
        }
        if app.spec.build?.builder == .buildKit, tenant.spec.builds?.podSecurity != .privileged {
            return (
                .unavailable(
                    "builder BuildKit needs seccomp and AppArmor Unconfined, which the build namespace \(buildNamespace) "
                        + "does not allow: Tenant \(tenantName) must set spec.builds.podSecurity: privileged, or use builder Kaniko"),
                prefix
            )
        }
        return (.ready(buildNamespace), prefix)
    }

    /// What the build objects of `app` are rendered from (``AppDeploymentBuildInput/from(app:namespace:spec:buildNamespace:outputRepository:images:)``);
    /// `nil` without `spec.source`. Resources that do not parse are `InvalidSpec`.
    func buildInput(_ app: AppDeployment, buildNamespace: String, repository: String) throws -> AppDeploymentBuildInput? {
        do {
            return try AppDeploymentBuildInput.from(
                app: app.metadata.name ?? "", namespace: app.metadata.namespace ?? "", spec: app.spec,
                buildNamespace: buildNamespace, outputRepository: repository, images: buildImages)
        } catch {
            throw AppDeploymentProblem(reason: .invalidSpec, message: "spec.build.resources: \(error)")
        }
    }

    /// The Dockerfile of a build of `analysis`: the repository's (strategy `Dockerfile`, or
    /// `Auto` when the analysis found one), else generated from the analysis with the spec's
    /// port and overrides.
    static func dockerfile(_ app: AppDeployment, analysis: SourceAnalysis?) -> AppDeploymentBuildInput.Dockerfile {
        let build = app.spec.effectiveBuild
        switch build.strategy {
        case .dockerfile:
            return .repository(path: build.dockerfilePath)
        case .auto where analysis == nil || analysis?.language == .dockerfile:
            return .repository(path: analysis?.dockerfile ?? build.dockerfilePath)
        case .auto, .generated:
            guard let analysis else { return .repository(path: build.dockerfilePath) }
            let port = AppDeploymentSourcePlan.port(build: build.port, analysis: analysis, spec: app.spec.port)
            return .generated(
                DockerfileRenderer.render(analysis: analysis, port: port, overrides: build.overrides ?? BuildOverrides()))
        }
    }

    /// This app's Jobs in `buildNamespace`, condensed with their pods' termination messages.
    func observedBuildJobs(_ app: AppDeployment, buildNamespace: String) -> [AppDeploymentSourcePlanInput.ObservedJob] {
        let name = app.metadata.name ?? ""
        let namespace = app.metadata.namespace ?? ""
        let pods = caches.buildPods.list(namespace: buildNamespace)
        return caches.buildJobs.list(namespace: buildNamespace).compactMap { job in
            let labels = job.metadata.labels ?? [:]
            guard labels[AppDeploymentBuildLabels.deployment] == name,
                labels[AppDeploymentBuildLabels.deploymentNamespace] == namespace,
                let stepText = labels[AppDeploymentBuildLabels.buildStep],
                let step = AppDeploymentBuildLabels.Step(rawValue: stepText),
                let planStep = AppDeploymentSourcePlanInput.Step(rawValue: step.rawValue), let jobName = job.metadata.name
            else { return nil }
            let outcome: AppDeploymentSourcePlanInput.ObservedJob.Outcome
            switch step {
            case .analyze, .poll:
                switch AppDeploymentBuildMessages.sourceOutcome(step: step, job: job, pods: pods) {
                case .pending: outcome = .pending
                case .running: outcome = .running
                case .succeeded(let report): outcome = .reported(report)
                case .failed(let failure): outcome = .failed(reason: failure.reason.rawValue, message: failure.message)
                }
            case .build:
                switch AppDeploymentBuildMessages.buildOutcome(job: job, pods: pods) {
                case .pending: outcome = .pending
                case .running: outcome = .running
                case .succeeded(let digest): outcome = .built(digest: digest)
                case .failed(let failure): outcome = .failed(reason: failure.reason.rawValue, message: failure.message)
                }
            }
            let times = AppDeploymentBuildMessages.times(job: job)
            return AppDeploymentSourcePlanInput.ObservedJob(
                name: jobName, step: planStep, outcome: outcome,
                created: job.metadata.creationTimestamp.flatMap(APITimestamp.parse), startTime: times.start,
                completionTime: times.end)
        }
    }

    /// Plans the source steps of `app` and carries them out: creates the Jobs the plan wants
    /// (with the Secret copies and the Dockerfile ConfigMap; create-only POST, an existing name is
    /// left alone) and deletes the expired ones. Returns the plan (its problem, if any, is the
    /// caller's to report).
    func reconcileSource(_ app: AppDeployment, logger: Logger) async throws -> AppDeploymentSourcePlan? {
        guard let source = app.spec.source else { return nil }
        let name = app.metadata.name ?? ""
        let (namespaceState, prefix) = buildNamespace(for: app)
        let repository = AppDeploymentSourcePlan.repository(
            output: app.spec.build?.output.repository, prefix: prefix, name: name)
        let buildNamespace: String? = if case .ready(let n) = namespaceState { n } else { nil }
        var input: AppDeploymentBuildInput?
        if let buildNamespace, let repository {
            input = try buildInput(app, buildNamespace: buildNamespace, repository: repository)
        }
        let interval = source.follow?.intervalSeconds
        let git = source.git
        let ref = AppDeploymentBuildInput.reference(git)
        let steps = input
        let names = AppDeploymentSourcePlanInput.StepNames(
            analyze: { commit in steps?.analyzeJobName(commit: commit) ?? "" },
            poll: { slot in
                steps?.pollJobName(now: Date(timeIntervalSince1970: Double(slot) * Double(interval ?? 1)), intervalSeconds: interval ?? 1) ?? ""
            },
            build: { commit, analysis in
                steps?.buildJobName(commit: commit, dockerfile: Self.dockerfile(app, analysis: analysis)) ?? ""
            })
        let status = app.status
        let servedEntry = status?.revision.flatMap { r in status?.history?.first { $0.revision == r } }
        let storedBuild = status?.build.map {
            AppDeploymentBuildStatus(
                commit: $0.commit, image: $0.image, digest: $0.digest, namespace: $0.namespace, job: $0.job,
                phase: AppDeploymentBuildStatus.Phase(rawValue: $0.phase.rawValue), startTime: $0.startTime,
                completionTime: $0.completionTime, reason: $0.reason?.rawValue, message: $0.message)
        }
        var planInput = AppDeploymentSourcePlanInput(
            url: git.url, ref: ref, refText: AppDeploymentStatus.SourceStatus.ref(of: git), followInterval: interval,
            repository: repository, buildNamespace: namespaceState,
            storedSource: status?.source,
            storedAnalysis: status?.analysis, storedBuild: storedBuild, serving: servedEntry != nil,
            jobs: buildNamespace.map { observedBuildJobs(app, buildNamespace: $0) } ?? [], names: names, now: now())
        planInput.subPath = git.subPath
        let plan = AppDeploymentSourcePlan.plan(planInput)
        guard plan.problem == nil, let input, let buildNamespace else { return plan }

        for creation in plan.create {
            switch creation {
            case .analyze(_, let commit):
                try await copySecrets(app, input: input, logger: logger)
                try await createBuildObject(AppDeploymentBuildObjects.analyzeJob(input, commit: commit), logger: logger)
            case .poll(_, let slot):
                try await copySecrets(app, input: input, logger: logger)
                let at = Date(timeIntervalSince1970: Double(slot) * Double(interval ?? 1))
                try await createBuildObject(
                    AppDeploymentBuildObjects.pollJob(input, now: at, intervalSeconds: interval ?? 1), logger: logger)
            case .build(_, let commit, let analysis):
                try await copySecrets(app, input: input, logger: logger)
                let dockerfile = Self.dockerfile(app, analysis: analysis)
                if let configMap = AppDeploymentBuildObjects.dockerfileConfigMap(input, commit: commit, dockerfile: dockerfile) {
                    try await createBuildObject(configMap, logger: logger)
                }
                try await createBuildObject(
                    AppDeploymentBuildObjects.buildJob(input, commit: commit, dockerfile: dockerfile), logger: logger)
                events?.record(app, type: .normal, reason: "Building", message: "building \(input.image(commit: commit))")
            }
        }
        let builds = Set(planInput.jobs.filter { $0.step == .build }.map(\.name))
        for jobName in plan.delete {
            try await deleteBuildObject(Job.self, name: jobName, namespace: buildNamespace, logger: logger)
            if builds.contains(jobName) {
                try await deleteBuildObject(ConfigMap.self, name: jobName, namespace: buildNamespace, logger: logger)
            }
        }
        // A step that failed since the last status: one Warning Event (the message is the
        // sanitised termination text, never credentials).
        if let build = plan.build, build.phase == .failed,
            app.status?.build?.job != build.job || app.status?.build?.phase != .failed
        {
            events?.record(
                app, type: .warning, reason: build.reason ?? "BuildFailed",
                message: "\(build.job ?? "the source step") failed: \(build.message ?? "no message")")
        }
        if let failure = plan.pollFailure {
            logger.warning("the poll of the source failed; the next interval retries", metadata: ["reason": "\(failure)"])
        }
        return plan
    }

    /// Copies `spec.source.git.secretName` and `spec.build.output.pushSecretName` into the build
    /// namespace (`<app>-git`, `<app>-push`) before a source Job is created, so the Job runs with
    /// the Secret as it is now: each original and copy read with a direct GET (never cached, never
    /// logged); a missing copy is created, a copy of ours whose data or type differ (a rotated
    /// key) is replaced (recreated when the type changed: a Secret's type is immutable), and a
    /// Secret of that name without our labels is left alone.
    func copySecrets(_ app: AppDeployment, input: AppDeploymentBuildInput, logger: Logger) async throws {
        let namespace = app.metadata.namespace ?? ""
        let copies: [(String?, String, @Sendable (AppDeploymentBuildInput, Secret) -> Secret)] = [
            (input.gitSecretName, input.names.gitSecret, AppDeploymentBuildObjects.gitSecretCopy),
            (input.pushSecretName, input.names.pushSecret, AppDeploymentBuildObjects.pushSecretCopy),
        ]
        for (secretName, copyName, copy) in copies {
            guard let secretName else { continue }
            let original = try await RefusedWrite.guarding("get", kind: Secret.resource.kind, namespace: namespace, name: secretName) {
                try await client.getIfExists(Secret.self, name: secretName, namespace: namespace)
            }
            guard let original else {
                throw AppDeploymentProblem(
                    reason: .invalidSpec, message: "the Secret \(secretName) the source build names does not exist in \(namespace)")
            }
            let desired = copy(input, original)
            let existing = try await RefusedWrite.guarding(
                "get", kind: Secret.resource.kind, namespace: input.buildNamespace, name: copyName
            ) {
                try await client.getIfExists(Secret.self, name: copyName, namespace: input.buildNamespace)
            }
            guard let existing else {
                try await createBuildObject(desired, logger: logger)
                continue
            }
            let ours = AppDeploymentBuildLabels.labels(app: input.app, namespace: input.namespace)
                .allSatisfy { existing.metadata.labels?[$0.key] == $0.value }
            guard ours, existing.data ?? [:] != desired.data ?? [:] || existing.type != desired.type else { continue }
            if existing.type != desired.type {
                try await deleteBuildObject(Secret.self, name: copyName, namespace: input.buildNamespace, logger: logger)
                try await createBuildObject(desired, logger: logger)
            } else {
                var updated = existing
                updated.data = desired.data
                _ = try await RefusedWrite.guarding("update", kind: Secret.resource.kind, namespace: input.buildNamespace, name: copyName) {
                    try await client.replace(updated)
                }
                logger.info(
                    "updated", metadata: ["kind": "Secret", "object": "\(copyName)", "namespace": "\(input.buildNamespace)"])
            }
        }
    }

    /// POSTs `object` (create-only): an object of that name already there is left alone (Jobs
    /// are immutable; their names hash what they depend on).
    func createBuildObject<T: KubeResource>(_ object: T, logger: Logger) async throws {
        let name = object.metadata.name ?? ""
        do {
            _ = try await RefusedWrite.guarding("create", kind: T.resource.kind, namespace: object.metadata.namespace, name: name) {
                try await applier.create(object)
            }
            logger.info(
                "created", metadata: ["kind": "\(T.resource.kind)", "object": "\(name)", "namespace": "\(object.metadata.namespace ?? "")"])
        } catch KubeAPIError.alreadyExists {}
    }

    /// Deletes a build object (Jobs with their pods: background propagation); gone is fine.
    func deleteBuildObject<T: KubeResource>(_ type: T.Type, name: String, namespace: String, logger: Logger) async throws {
        do {
            try await RefusedWrite.guarding("delete", kind: T.resource.kind, namespace: namespace, name: name) {
                try await client.delete(T.self, name: name, namespace: namespace, options: DeleteOptions(propagationPolicy: .background))
            }
            logger.info("deleted", metadata: ["kind": "\(T.resource.kind)", "object": "\(name)", "namespace": "\(namespace)"])
        } catch KubeAPIError.notFound {}
    }

    /// Deletes every object of `app` in its build namespace: its Jobs (listed by label from the
    /// API server) with their ConfigMaps of the same name, and the Secret copies.
    func deleteBuildObjects(_ app: AppDeployment, logger: Logger) async throws {
        var namespaces = Set<String>()
        if let recorded = app.status?.build?.namespace { namespaces.insert(recorded) }
        if case .ready(let current) = buildNamespace(for: app).0 { namespaces.insert(current) }
        let appName = app.metadata.name ?? ""
        let selector = AppDeploymentBuildLabels.selector(app: appName, namespace: app.metadata.namespace ?? "")
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let names = AppDeploymentBuildNames(app: appName)
        for namespace in namespaces.sorted() {
            let jobs = try await RefusedWrite.guarding("list", kind: Job.resource.kind, namespace: namespace, name: "") {
                try await client.list(Job.self, namespace: namespace, options: ListOptions(labelSelector: selector)).items
            }
            for job in jobs {
                guard let jobName = job.metadata.name else { continue }
                try await deleteBuildObject(Job.self, name: jobName, namespace: namespace, logger: logger)
                if job.metadata.labels?[AppDeploymentBuildLabels.buildStep] == AppDeploymentBuildLabels.Step.build.rawValue {
                    try await deleteBuildObject(ConfigMap.self, name: jobName, namespace: namespace, logger: logger)
                }
            }
            for secret in [names.gitSecret, names.pushSecret] {
                try await deleteBuildObject(Secret.self, name: secret, namespace: namespace, logger: logger)
            }
        }
    }
}
