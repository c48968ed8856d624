import KubeCore

extension Resource {
    /// The structural schema of `spec` (see `ResourceSpec`). `template` is required and limited
    /// to `ResourceTemplateCatalog.names`: planned templates (`postgres-*`) are rejected by the
    /// API server.
    public static var specSchema: JSONSchemaProperty {
        .object(
            "Which template to build and how.", required: ["template"],
            [
                "template": .string(
                    "Built-in template to build from (\(ResourceTemplateCatalog.names.joined(separator: ", "))); list them with quartermaster templates.",
                    enum: ResourceTemplateCatalog.names),
                "parameters": .object(
                    "Overrides of the template's parameters, validated against the template (ranges: quartermaster templates).",
                    [
                        "size": QuartermasterSchemaNodes.quantity(
                            "Storage per IPFS node, e.g. 10Gi; the range depends on the template."),
                        "replicas": .integer(
                            "Number of IPFS nodes; only templates with more than one node accept it.", minimum: 1,
                            maximum: Int64(IPFSClusterSpec.maxReplicas)),
                        "restoreFrom": QuartermasterSchemaNodes.objectName(
                            "A PostgresInstance of this namespace whose backups the new instance is restored from (postgres-medium)."),
                        "restoreTime": .string(
                            "The RFC3339 time to restore to; needs restoreFrom. Omitted: the latest.", maxLength: 64,
                            format: "date-time"),
                    ]),
                "suspended": .boolean(
                    "Scale the workloads to zero, keeping all data (the IPFSCluster is marked suspended).",
                    default: false),
            ])
    }

    /// The structural schema of `status` (see `ResourceStatus`).
    public static var statusSchema: JSONSchemaProperty {
        var stages = JSONSchemaProperty.array(
            "The six provisioning stages, in order.",
            of: .object(
                "One provisioning stage.", required: ["name", "state"],
                [
                    "name": .string("Stage name.", enum: ResourceStageName.allCases.map(\.rawValue)),
                    "state": .string("Stage state.", enum: ResourceStageState.allCases.map(\.rawValue)),
                    "startedAt": .string("When the stage last started.", format: "date-time"),
                    "finishedAt": .string("When the stage finished (Done or Failed).", format: "date-time"),
                    "message": .string("What the stage did or is waiting for."),
                ]),
            listType: "map")
        stages.listMapKeys = ["name"]
        return .object(
            "How far provisioning has got.",
            [
                "observedGeneration": .integer("The metadata.generation this status describes.", format: "int64"),
                "phase": .string(
                    "Summary of the Resource's state.", enum: ResourcePhase.allCases.map(\.rawValue)),
                "progress": .integer(
                    "Percentage of the furthest provisioning stage reached (0, 20, 40, 60, 80, 100); reflects real state, never a timer.",
                    minimum: 0, maximum: 100),
                "progressText": .string("progress formatted for kubectl, e.g. 60%."),
                "stages": stages,
                "templateVersion": .string(
                    "Template name and version the Resource was built from, e.g. small-storage@v1."),
                "endpoint": .string("Where clients reach the Resource, once ready."),
                "credentialsSecretRef": .object(
                    "Secret in the Resource's namespace holding its credentials.", required: ["name"],
                    ["name": .string("Name of the Secret.")]),
                "childRef": .object(
                    "The object the template created.", required: ["apiVersion", "kind", "name"],
                    [
                        "apiVersion": .string("API version of the child, e.g. quartermaster.dev/v1alpha1."),
                        "kind": .string("Kind of the child, e.g. IPFSCluster."),
                        "name": .string("Name of the child in the Resource's namespace."),
                    ]),
                "conditions": QuartermasterSchemaNodes.conditions("Ready, Reconciling and Stalled."),
            ])
    }
}
