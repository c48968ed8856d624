import KubeCore
import Yams

/// The definition of one custom resource kind, rendered to an `apiextensions.k8s.io/v1`
/// CustomResourceDefinition.
public struct CustomResourceDefinitionModel: Sendable {
    public struct PrinterColumn: Sendable {
        public var name: String
        public var type: String
        public var jsonPath: String
        public var description: String
        public init(name: String, type: String, jsonPath: String, description: String) {
            self.name = name
            self.type = type
            self.jsonPath = jsonPath
            self.description = description
        }
    }
    public struct Scale: Sendable {
        public var specReplicasPath: String
        public var statusReplicasPath: String
        public var labelSelectorPath: String
    }

    public var resource: ResourceDescriptor
    public var singular: String
    public var shortNames: [String]
    public var categories: [String]
    public var description: String
    public var spec: JSONSchemaProperty
    public var status: JSONSchemaProperty
    public var scale: Scale?
    public var printerColumns: [PrinterColumn]
    /// The schema of `metadata.name` (the only metadata field a CRD may restrict): children's
    /// names derive from it and must stay valid. `nil`: the API server's own rules only.
    public var metadataName: JSONSchemaProperty? = nil

    /// `<plural>.<group>`.
    public var name: String { "\(resource.plural).\(resource.group)" }

    /// The whole object schema (apiVersion, kind, metadata, spec, status).
    ///
    /// A `spec` without required fields defaults to `{}` (so its own defaults apply); a `spec`
    /// with required fields gets no default (a default must validate) and is itself required.
    public var openAPIV3Schema: JSONSchemaProperty {
        let specHasRequiredFields = !(spec.required ?? []).isEmpty
        var root = JSONSchemaProperty.object(
            description,
            [
                "apiVersion": .string("Versioned schema of this representation of an object."),
                "kind": .string("REST resource this object represents."),
                // The API server forbids anything but `type` and restrictions of `name` and
                // `generateName` here (even a description).
                "metadata": {
                    var m = JSONSchemaProperty(type: "object", description: "")
                    if let metadataName { m.properties = [(name: "name", schema: metadataName)] }
                    return m
                }(),
                "spec": {
                    var s = spec
                    if !specHasRequiredFields { s.defaultValue = s.defaultValue ?? [:] }
                    return s
                }(),
                "status": status,
            ])
        if specHasRequiredFields { root.required = ["spec"] }
        return root
    }

    /// The CRD as an ordered YAML node.
    public var yamlNode: Node {
        typealias Y = YAMLNodes
        var subresources: [(String, Node)] = [("status", Y.mapping([]))]
        if let scale {
            subresources.append(
                ("scale", Y.mapping([
                    ("specReplicasPath", Y.string(scale.specReplicasPath)),
                    ("statusReplicasPath", Y.string(scale.statusReplicasPath)),
                    ("labelSelectorPath", Y.string(scale.labelSelectorPath)),
                ])))
        }
        let columns = printerColumns.map { c in
            Y.mapping([
                ("name", Y.string(c.name)), ("type", Y.string(c.type)), ("jsonPath", Y.string(c.jsonPath)),
                ("description", Y.string(c.description)),
            ])
        }
        let version = Y.mapping([
            ("name", Y.string(resource.version)),
            ("served", Y.value(true)),
            ("storage", Y.value(true)),
            ("schema", Y.mapping([("openAPIV3Schema", Y.schema(openAPIV3Schema))])),
            ("subresources", Y.mapping(subresources)),
            ("additionalPrinterColumns", .sequence(Node.Sequence(columns))),
        ])
        return Y.mapping([
            ("apiVersion", Y.string("apiextensions.k8s.io/v1")),
            ("kind", Y.string("CustomResourceDefinition")),
            ("metadata", Y.mapping([("name", Y.string(name))])),
            ("spec", Y.mapping([
                ("group", Y.string(resource.group)),
                ("names", Y.mapping([
                    ("kind", Y.string(resource.kind)),
                    ("listKind", Y.string(resource.kind + "List")),
                    ("plural", Y.string(resource.plural)),
                    ("singular", Y.string(singular)),
                    ("shortNames", Y.strings(shortNames)),
                    ("categories", Y.strings(categories)),
                ])),
                ("scope", Y.string(resource.namespaced ? "Namespaced" : "Cluster")),
                ("versions", .sequence(Node.Sequence([version]))),
            ])),
        ])
    }

    /// The CRD as YAML text (a single document, ending in a newline).
    public func yaml() throws -> String { try Yams.serialize(node: yamlNode, width: -1, sortKeys: false) }
}

/// Generates the CustomResourceDefinitions of every Quartermaster kind.
public enum CRDGenerator {
    /// The `IPFSCluster` CRD model.
    public static var ipfsCluster: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: IPFSCluster.resource, singular: "ipfscluster", shortNames: ["ipfs"], categories: ["quartermaster"],
            description: "IPFSCluster runs a replicated IPFS cluster: kubo nodes paired with ipfs-cluster peers.",
            spec: IPFSClusterSpec.schema, status: IPFSClusterStatus.schema,
            scale: .init(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector"),
            printerColumns: [
                .init(name: "Replicas", type: "integer", jsonPath: ".spec.replicas", description: "Desired peers."),
                .init(name: "Ready", type: "integer", jsonPath: ".status.readyReplicas", description: "Ready peers."),
                .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Summary state."),
                .init(name: "API", type: "string", jsonPath: ".status.endpoints.api", description: "REST API URL."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
            ],
            metadataName: childNamesRoot("IPFSCluster"))
    }

    /// `metadata.name` of a kind whose children are named after it: a DNS-1035 label of at most
    /// ``IPFSClusterNames/maxInstanceNameLength`` characters (Services and pod labels derive
    /// from it).
    static func childNamesRoot(_ kind: String) -> JSONSchemaProperty {
        .string(
            "Name of the \(kind): lower-case letters, digits and '-', starting with a letter; at most \(IPFSClusterNames.maxInstanceNameLength) characters, as the names of its objects derive from it.",
            pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$", maxLength: IPFSClusterNames.maxInstanceNameLength)
    }

    /// The `Tenant` CRD model: cluster-scoped, no short name, category `quartermaster`.
    public static var tenant: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: Tenant.resource, singular: "tenant", shortNames: [], categories: ["quartermaster"],
            description:
                "Tenant is one namespace with a quota, container limits, network isolation and owner access, kept by the operator.",
            spec: Tenant.specSchema, status: Tenant.statusSchema, scale: nil,
            printerColumns: [
                .init(name: "Tier", type: "string", jsonPath: ".spec.tier", description: "Preset of quota and limits."),
                .init(name: "Namespace", type: "string", jsonPath: ".status.namespace", description: "The tenant's namespace."),
                .init(
                    name: "Resources", type: "integer", jsonPath: ".status.resources.total",
                    description: "Resources in the namespace."),
                .init(
                    name: "Ready", type: "string", jsonPath: #".status.conditions[?(@.type=="Ready")].status"#,
                    description: "Whether the namespace and its objects are in place."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
            ],
            metadataName: .string(
                "Name of the Tenant, and of its namespace unless spec.namespace names another: a DNS-1123 label of at most 63 characters.",
                pattern: QuartermasterSchemaNodes.dnsLabelPattern, maxLength: QuartermasterSchemaNodes.labelLength))
    }

    /// The `Resource` CRD model: namespaced, short name `qres`, category `quartermaster`.
    ///
    /// The short name is not `res`: kubectl resolves short names before plurals, and a short
    /// name that reads like a word invites collisions with other operators' kinds.
    public static var resource: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: Resource.resource, singular: "resource", shortNames: ["qres"], categories: ["quartermaster"],
            description:
                "Resource asks for something built from a versioned template (such as small-storage); the operator creates it, checks the quota first, and reports progress.",
            spec: Resource.specSchema, status: Resource.statusSchema, scale: nil,
            printerColumns: [
                .init(name: "Template", type: "string", jsonPath: ".spec.template", description: "Template name."),
                .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Summary state."),
                .init(
                    name: "Progress", type: "string", jsonPath: ".status.progressText",
                    description: "Furthest provisioning stage reached."),
                .init(name: "Endpoint", type: "string", jsonPath: ".status.endpoint", description: "Where clients connect."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
            ],
            metadataName: childNamesRoot("Resource"))
    }

    /// Every CRD model, in file-name order of their output.
    public static var allModels: [CustomResourceDefinitionModel] { [ipfsCluster, resource, tenant] }

    /// Every CRD as `(fileName, yaml)`, file names `<group>_<plural>.yaml`.
    public static func allCRDs() -> [(fileName: String, yaml: String)] {
        allModels.map { model in
            let body: String
            do { body = try model.yaml() } catch { body = "# YAML serialization failed: \(error)\n" }
            return (fileName: "\(model.resource.group)_\(model.resource.plural).yaml", yaml: "---\n" + body)
        }
    }
}
