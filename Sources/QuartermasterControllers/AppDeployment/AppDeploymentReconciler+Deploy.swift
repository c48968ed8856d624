import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Steps 4 to 7 of a reconcile: pin the image, fit the quota, provision, choose the revision,
/// apply.
extension AppDeploymentReconciler {
    /// Pins the image, checks the quota before the first creation, provisions the claim and the
    /// database, waits for the database and the IPFS binding, then applies the objects of the
    /// revision ``AppDeploymentRevisionPlan`` chooses and deletes those the spec no longer asks
    /// for. Records what it saw and did in `observation` (and the objects as written in
    /// `observed`). Throws ``ChildNameConflict``, ``RefusedWrite``, ``AppDeploymentProblem``,
    /// and the template catalog's errors.
    func deploy(
        _ app: AppDeployment, tenant: TenantEnforcement, observed: inout AppDeploymentObservedObjects,
        observation: inout AppDeploymentObservation, logger: Logger
    ) async throws {
        let name = app.metadata.name ?? ""
        let namespace = app.metadata.namespace ?? ""
        let uid = app.metadata.uid ?? ""
        guard let owner = app.ownerReference(controller: true, blockOwnerDeletion: true) else { return }

        // 4. The digest: built from the source (its digest is known), or spec.image resolved.
        let reference: String
        var commit: String?
        var spec = app.spec
        if app.spec.source != nil {
            guard let plan = try await reconcileSource(app, logger: logger) else { return }
            observation.source = plan
            if let problem = plan.problem { throw problem }
            // The port the image listens on (the generated Dockerfile's `PORT`).
            spec.port = AppDeploymentSourcePlan.port(
                build: app.spec.build?.port, analysis: plan.image != nil ? plan.analysis : app.status?.analysis,
                spec: app.spec.port)
            observation.port = spec.port
            if let built = plan.image {
                observation.digest = built.digest
                reference = built.reference
                commit = built.commit
            } else if let served = app.status?.revision.flatMap({ r in app.status?.history?.first { $0.revision == r } }) {
                // The new commit is not built yet: the served revision goes on.
                observation.digest = served.digest
                reference = served.image
                commit = served.commit
            } else {
                return
            }
        } else {
            switch try await resolveImage(app, logger: logger) {
            case .failed(let message):
                observation.imageFailure = message
                return
            case .resolved(let digest):
                observation.digest = digest
            }
            reference = app.spec.image
        }
        observation.imageReference = reference
        guard let digest = observation.digest, let image = AppDeploymentImage(reference) else { return }

        // The bindings the pods need.
        var ipfs: AppDeploymentContext.IPFSBinding?
        if let binding = app.spec.ipfs {
            if let cluster = observed.ipfsCluster {
                ipfs = AppDeploymentContext.IPFSBinding(cluster: binding.cluster, namespace: namespace)
                observation.ipfs =
                    Self.isReady(cluster)
                    ? .ready : .notReady("IPFSCluster \(binding.cluster) is \(cluster.status?.phase?.rawValue ?? "not ready")")
            } else {
                observation.ipfs = .notFound
            }
        }
        observation.database = databaseState(app, observed: observed.database)
        var context = AppDeploymentContext(
            name: name, namespace: namespace, owner: owner, spec: spec, image: image.pinned(to: digest),
            revision: app.status?.revision ?? 1, databaseSecretName: observation.database?.secretName, ipfs: ipfs,
            servedAPIs: observation.servedAPIs, tenant: tenant, currentReplicas: observed.deployment?.spec?.replicas)

        // 5. Quota, before anything exists.
        if observed.deployment == nil {
            let footprint = try AppDeploymentDesiredState.quotaFootprint(context)
            let check = QuotaCheck.check(
                needs: footprint.quotaUsage, quotas: caches.quotas.list(namespace: namespace))
            if let message = check.message {
                observation.quotaShortfall = message
                return
            }
        }

        // 6. Provisioning: the claim (created once, never changed), the database Resource.
        let provisional = try AppDeploymentDesiredState.compute(context)
        if let claim = provisional.persistentVolumeClaim, observed.claim == nil {
            observed.claim = try await createOnce(claim, logger: logger)
        }
        observation.claimExists = observed.claim != nil
        // A database the spec no longer names is kept (its data is the user's): it goes with the
        // Deployment, through its owner reference, or by hand.
        if let database = provisional.database {
            observed.database = try await apply(database, observed: observed.database, logger: logger)
            observation.database = databaseState(app, observed: observed.database)
        }
        if observation.database?.ready == false || (app.spec.ipfs != nil && observation.ipfs != .ready) {
            return
        }
        context.databaseSecretName = observation.database?.secretName

        // 7. The revision and its objects.
        let templateHash = try AppDeploymentDesiredState.templateHash(context)
        let plan = rolloutDecision(
            app, image: reference, commit: commit, digest: digest, templateHash: templateHash, deployment: observed.deployment)
        observation.plan = plan
        if plan.problem != nil { return }  // UnknownRevision: nothing changes
        context.image = plan.image
        context.revision = plan.revision
        let desired = try AppDeploymentDesiredState.compute(context)

        let before = observed.deployment
        observed.deployment = try await apply(desired.deployment, observed: observed.deployment, logger: logger)
        if before == nil {
            events?.record(app, type: .normal, reason: "Created", message: "created revision \(plan.revision) running \(plan.image)")
        } else if before?.spec?.template.spec?.containers.first?.image != desired.deployment.spec?.template.spec?.containers.first?.image {
            events?.record(app, type: .normal, reason: "RollingOut", message: "rolling out revision \(plan.revision): \(plan.image)")
        }
        observed.service = try await apply(desired.service, observed: observed.service, logger: logger)
        if let ingress = desired.ingress {
            observed.ingress = try await apply(ingress, observed: observed.ingress, logger: logger)
        } else if let ingress = observed.ingress {
            try await deleteIfControlled(ingress, uid: uid, logger: logger)
            observed.ingress = nil
        }
        observed.networkPolicy = try await apply(desired.networkPolicy, observed: observed.networkPolicy, logger: logger)
        if observed.autoscalingV2Served == true {
            if let hpa = desired.horizontalPodAutoscaler {
                observed.horizontalPodAutoscaler = try await apply(hpa, observed: observed.horizontalPodAutoscaler, logger: logger)
            } else if let hpa = observed.horizontalPodAutoscaler {
                try await deleteIfControlled(hpa, uid: uid, logger: logger)
            }
        }
        if observed.policyV1Served == true {
            if let pdb = desired.podDisruptionBudget {
                observed.podDisruptionBudget = try await apply(pdb, observed: observed.podDisruptionBudget, logger: logger)
            } else if let pdb = observed.podDisruptionBudget {
                try await deleteIfControlled(pdb, uid: uid, logger: logger)
            }
        }
        if let holder = HostClaimHolder(app) {
            _ = try await hostClaims.release(keeping: Set(app.spec.claimedHosts), for: holder, logger: logger)
        }
    }

    /// `true` when `cluster`'s `Ready` condition is `True` for its current generation.
    static func isReady(_ cluster: IPFSCluster) -> Bool {
        guard let ready = cluster.status?.conditions?.first(where: { $0.type == "Ready" }) else { return false }
        return ready.status == .true
            && (ready.observedGeneration == nil || ready.observedGeneration == cluster.metadata.generation)
    }

    /// The Resource `<name>-db` as observed: ready when its phase is `Ready` for its generation
    /// and it names its credentials Secret. `nil` without `spec.database`.
    func databaseState(_ app: AppDeployment, observed: Resource?) -> AppDeploymentStatusInput.Database? {
        guard app.spec.database != nil else { return nil }
        guard let resource = observed, let uid = app.metadata.uid, resource.metadata.isControlled(byUID: uid) else {
            return AppDeploymentStatusInput.Database(ready: false, message: "the Resource is not created yet")
        }
        let secret = resource.status?.credentialsSecretRef?.name
        let current = resource.status?.observedGeneration == resource.metadata.generation
        let ready = resource.status?.phase == .ready && current && secret != nil
        return AppDeploymentStatusInput.Database(
            ready: ready, secretName: secret,
            message: ready ? nil : resource.status?.conditions?[type: "Ready"]?.message)
    }

    /// Creates `object` when its name is free (a GET first: the claim's data is never written
    /// over); an object this Deployment already controls is returned as is; another's is a
    /// ``ChildNameConflict``.
    func createOnce<T: KubeResource>(_ object: T, logger: Logger) async throws -> T {
        let name = object.metadata.name ?? ""
        let namespace = object.metadata.namespace
        let existing = try await RefusedWrite.guarding("get", kind: T.resource.kind, namespace: namespace, name: name) {
            try await client.getIfExists(T.self, name: name, namespace: namespace)
        }
        if let existing {
            if let conflict = ChildNameConflict.check(
                kind: T.resource.kind, existing: existing.metadata, ownerUID: object.metadata.controllerReference?.uid ?? "")
            {
                throw conflict
            }
            return existing
        }
        let created = try await applier.create(object)
        logger.info("created", metadata: ["kind": "\(T.resource.kind)", "object": "\(name)"])
        return created
    }

    /// Applies `desired` unless its name is another owner's (``ChildNameConflict``); logs writes.
    @discardableResult
    func apply<T: KubeResource>(_ desired: T, observed: T?, logger: Logger) async throws -> T {
        let outcome = try await applier.applyControlled(desired, cached: observed)
        if outcome.wasApplied {
            logger.info(
                observed == nil ? "created" : "updated",
                metadata: ["kind": "\(T.resource.kind)", "object": "\(desired.metadata.name ?? "")"])
        }
        return outcome.object
    }
}
