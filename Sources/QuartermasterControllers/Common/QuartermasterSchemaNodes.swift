import KubeCore

/// Schema nodes shared by the CRDs of all kinds.
///
/// Every input a tenant writes is bounded (a test checks every `spec` node): lists by
/// `maxItems`, maps by `maxProperties`, strings by `maxLength` or an enum, integers by
/// `maximum`; so no field value can multiply the operator's work or memory per object.
enum QuartermasterSchemaNodes {
    /// Longest DNS subdomain (object names such as Secrets, StorageClasses, hosts). 253.
    static let subdomainLength = 253
    /// Longest DNS label (namespace names, label values). 63.
    static let labelLength = 63
    /// Longest image reference accepted. 512.
    static let imageLength = 512
    /// Most entries of a short list (owners, pull secrets, namespaces, tolerations). 32.
    static let shortListItems = 32
    /// Most keys of a label map (node selectors, match labels). 32.
    static let labelMapKeys = 32

    /// A DNS-1123 label, such as a namespace name.
    static let dnsLabelPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"

    /// An object name in the DNS-1123 subdomain form (Secrets, classes).
    static func objectName(_ description: String) -> JSONSchemaProperty {
        .string(
            description, pattern: #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#,
            minLength: 1, maxLength: subdomainLength)
    }

    /// A namespace name.
    static func namespaceName(_ description: String) -> JSONSchemaProperty {
        .string(description, pattern: dnsLabelPattern, minLength: 1, maxLength: labelLength)
    }

    /// A label map (keys ≤ 317 as the API allows, values ≤ 63), at most `labelMapKeys` keys.
    static func labelMap(_ description: String, valueDescription: String) -> JSONSchemaProperty {
        .map(description, values: .string(valueDescription, maxLength: labelLength), maxProperties: labelMapKeys)
    }

    /// A Kubernetes resource quantity (the API server's own pattern).
    static let quantityPattern =
        #"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"#

    /// An int-or-string resource quantity (`500m`, `2`, `10Gi`).
    static func quantity(_ description: String) -> JSONSchemaProperty {
        var q = JSONSchemaProperty.intOrString(description, pattern: quantityPattern)
        q.maxLength = 64
        return q
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

extension QuartermasterSchemaNodes {
    /// `metadata.name` of a kind whose children are named after it: a DNS-1035 label of at most
    /// ``IPFSClusterNames/maxInstanceNameLength`` characters (Services and pod labels derive
    /// from it).
    static func childNamesRoot(_ kind: String) -> JSONSchemaProperty {
        .string(
            "Name of the \(kind): lower-case letters, digits and '-', starting with a letter; at most \(IPFSClusterNames.maxInstanceNameLength) characters, as the names of its objects derive from it.",
            pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$", maxLength: IPFSClusterNames.maxInstanceNameLength)
    }
}
