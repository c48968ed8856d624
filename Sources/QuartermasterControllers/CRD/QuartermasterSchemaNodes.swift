import KubeCore

/// Schema nodes shared by the CRDs of all kinds.
enum QuartermasterSchemaNodes {
    /// A Kubernetes resource quantity (the API server's own pattern).
    static let quantityPattern =
        #"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"#

    /// An int-or-string resource quantity (`500m`, `2`, `10Gi`).
    static func quantity(_ description: String) -> JSONSchemaProperty {
        .intOrString(description, pattern: quantityPattern)
    }

    /// `status.conditions`: meta/v1 Conditions, a list-type map keyed by `type`.
    ///
    /// - Parameter required: the fields every condition must set. Default `type` and `status`.
    static func conditions(_ description: String, required: [String] = ["type", "status"]) -> JSONSchemaProperty {
        var c = JSONSchemaProperty.array(
            description,
            of: .object(
                "A meta/v1 Condition.", required: required,
                [
                    "type": .string("Condition type, such as Ready, Reconciling or Stalled.", maxLength: 316),
                    "status": .string("True, False or Unknown.", enum: ["True", "False", "Unknown"]),
                    "observedGeneration": .integer(
                        "The metadata.generation the condition was computed from.", minimum: 0, format: "int64"),
                    "lastTransitionTime": .string("When the status last changed.", format: "date-time"),
                    "reason": .string("Machine-readable CamelCase reason.", maxLength: 1024),
                    "message": .string("Human-readable details.", maxLength: 32768),
                ]),
            listType: "map")
        c.listMapKeys = ["type"]
        return c
    }
}
