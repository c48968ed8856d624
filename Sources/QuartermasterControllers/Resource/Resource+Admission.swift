import KubeCore

extension Resource {
    /// Refused at admission: a name its child cannot take (at most 52 characters, a DNS-1035
    /// label), an unknown or unavailable template, parameters the template does not accept or
    /// values out of range, and a child spec the offered kind cannot render. Quota headroom
    /// and name conflicts depend on the moment: the reconciler reports them in status.
    /// The tenant's policy judges the child the template would create, as the reconciler does
    /// before creating it (`PolicyViolation`).
    public static var admission: KindAdmission {
        KindAdmission(bounds: { input in
            let resource = try input.decode(Resource.self)
            var problems: [String] = []
            if let problem = IPFSClusterValidation.nameProblem(input.name) { problems.append(problem.message) }
            do {
                let resolved = try ResourceTemplateCatalog.resolve(resource.spec)
                do { _ = try resolved.footprint() } catch {
                    problems.append("template \(resolved.template.versionedName) cannot be rendered with these parameters: \(error)")
                }
            } catch let error as ResourceTemplateError {
                problems.append("\(error.reason): \(error.description)")
            }
            return problems
        }, tenantPolicy: { input, tenant in
            let resource = try input.decode(Resource.self)
            // A template that cannot be resolved is already refused by the bounds.
            guard let resolved = try? ResourceTemplateCatalog.resolve(resource.spec),
                let subject = try? resolved.policySubject()
            else { return [] }
            return TenantEnforcement(tenant).violations(of: subject).map { "PolicyViolation: \($0.description)" }
        })
    }
}
