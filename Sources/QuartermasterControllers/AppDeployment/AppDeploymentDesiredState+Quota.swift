import KubeCore

extension AppDeploymentDesiredState {
    /// What the app asks of the namespace's ResourceQuotas at its largest, as objects: what
    /// ``compute(_:)`` renders for `context` as if not suspended (resuming checks nothing),
    /// with the apps/v1 Deployment at its most pods: the most replicas (`autoscaling.maxReplicas`,
    /// else `replicas`) plus the surge pod of a rolling update (none with `Recreate`). The
    /// claim, the database Resource and every other object count as themselves.
    ///
    /// - Throws: ``AppDeploymentProblem`` (`InvalidSpec`) for a quantity that cannot be read.
    public static func quotaObjects(_ context: AppDeploymentContext) throws -> [any KubeResource] {
        var running = context
        running.spec.suspended = false
        running.tenant.suspended = false
        let renderer = try Renderer(running)
        var desired = try compute(running)
        desired.deployment.spec?.replicas =
            renderer.maxReplicas + (renderer.recreates ? 0 : Renderer.rollingSurge)
        return desired.all
    }

    /// ``quotaObjects(_:)`` counted by ``ResourceFootprint``, plus the footprint of the
    /// database template's child (``ResolvedResourceTemplate/footprint(offerings:)``: the
    /// PostgresInstance and everything its controller renders), for ``QuotaCheck/check(needs:quotas:reserved:)``
    /// with ``ResourceFootprint/quotaUsage``.
    ///
    /// - Throws: ``AppDeploymentProblem`` (`InvalidSpec`) for a quantity that cannot be read,
    ///   or a database template or parameters the catalog does not accept
    ///   (``ResourceTemplateError``'s message); the offering's rendering error otherwise.
    public static func quotaFootprint(
        _ context: AppDeploymentContext, offerings: [ResourceOffering] = ResourceOffering.all
    ) throws -> ResourceFootprint {
        var footprint = ResourceFootprint(objects: try quotaObjects(context))
        if let database = context.spec.database {
            let resolved: ResolvedResourceTemplate
            do {
                resolved = try ResourceTemplateCatalog.resolve(
                    ResourceSpec(template: database.template, parameters: database.parameters))
            } catch {
                throw AppDeploymentProblem(reason: .invalidSpec, message: "spec.database: \(error)")
            }
            footprint = footprint + (try resolved.footprint(offerings: offerings))
        }
        return footprint
    }
}
