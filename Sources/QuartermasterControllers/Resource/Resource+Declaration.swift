import KubeCore

extension Resource {
    /// The Resource kind: namespaced, short name `qres`; covered by the aggregated roles and
    /// managed by tenants' owners. Its manager rules on the kinds templates build come from
    /// their offerings (``ResourceOffering/managerRules(for:)``).
    public static var declaration: KindDeclaration {
        KindDeclaration(
            objectType: Resource.self, crd: customResourceDefinition,
            managerRules: [
                DocumentedPolicyRule(
                    "A Resource watches the quotas of its namespace: one stalled on QuotaExceeded resumes when quota frees up.",
                    PolicyRule(apiGroups: [""], resources: ["resourcequotas"], verbs: ["get", "list", "watch"])),
                DocumentedPolicyRule(
                    "A Resource watches tenant namespaces (when watching all namespaces) for suspension and termination.",
                    PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"])),
                DocumentedPolicyRule(
                    "A Resource caches Tenants to check its child against its tenant's policy.",
                    PolicyRule(apiGroups: [Tenant.resource.group], resources: [Tenant.resource.plural], verbs: ["list", "watch"])),
                ManagerRole.recordEvents,
            ],
            // What it needs on the kinds its templates build: from their offerings, so offering
            // another kind grants it with no edit here.
            offeringRules: { ResourceOffering.managerRules(for: $0) },
            aggregatedRoles: .workload, tenantOwners: .manage,
            admission: Resource.admission,
            stateMetrics: KindStateMetrics<ResourceSpec, ResourceStatus>.sharingControllerInformer(
                extraFamilies: Resource.stageFamilies),
            makeController: { cache, settings in ResourceController.make(cache: cache, settings: settings) })
    }

    /// The CRD: namespaced, short name `qres`, category `quartermaster`; spec and status from
    /// ``specSchema`` and ``statusSchema``.
    ///
    /// The short name is not `res`: kubectl resolves short names before plurals, and a short
    /// name that reads like a word invites collisions with other operators' kinds.
    public static var customResourceDefinition: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: resource, singular: "resource", shortNames: ["qres"], categories: ["quartermaster"],
            description:
                "Resource asks for something built from a versioned template (such as small-storage); the operator creates it, checks the quota first, and reports progress.",
            spec: specSchema, status: statusSchema, scale: nil,
            printerColumns: [
                .init(name: "Template", type: "string", jsonPath: ".spec.template", description: "Template name."),
                .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Summary state."),
                .init(
                    name: "Progress", type: "string", jsonPath: ".status.progressText",
                    description: "Furthest provisioning stage reached."),
                .init(name: "Endpoint", type: "string", jsonPath: ".status.endpoint", description: "Where clients connect."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
            ],
            metadataName: QuartermasterSchemaNodes.childNamesRoot("Resource"))
    }
}
