import Yams

/// The definition of one custom resource kind, rendered to an `apiextensions.k8s.io/v1`
/// CustomResourceDefinition.
public struct CustomResourceDefinitionModel: Sendable {
    /// An `additionalPrinterColumns` entry (`kubectl get` output).
    public struct PrinterColumn: Sendable {
        public var name: String
        /// `string`, `integer`, `date`, ...
        public var type: String
        public var jsonPath: String
        public var description: String
        /// `0` (`nil`, the default): shown by `kubectl get`; higher: only with `-o wide`.
        public var priority: Int?
        public init(name: String, type: String, jsonPath: String, description: String, priority: Int? = nil) {
            self.name = name
            self.type = type
            self.jsonPath = jsonPath
            self.description = description
            self.priority = priority
        }
    }
    /// The `scale` subresource (`kubectl scale`, HorizontalPodAutoscalers).
    public struct Scale: Sendable {
        public var specReplicasPath: String
        public var statusReplicasPath: String
        public var labelSelectorPath: String
        public init(specReplicasPath: String, statusReplicasPath: String, labelSelectorPath: String) {
            self.specReplicasPath = specReplicasPath
            self.statusReplicasPath = statusReplicasPath
            self.labelSelectorPath = labelSelectorPath
        }
    }

    /// Group, the one served and stored version, kind, plural and scope.
    public var resource: ResourceDescriptor
    public var singular: String
    public var shortNames: [String]
    public var categories: [String]
    /// The description of the whole object (`kubectl explain <kind>`).
    public var description: String
    public var spec: JSONSchemaProperty
    public var status: JSONSchemaProperty
    /// `nil`: no scale subresource. The status subresource is always enabled.
    public var scale: Scale?
    public var printerColumns: [PrinterColumn]
    /// The schema of `metadata.name` (the only metadata field a CRD may restrict): children's
    /// names derive from it and must stay valid. `nil`: the API server's own rules only.
    public var metadataName: JSONSchemaProperty?

    public init(
        resource: ResourceDescriptor, singular: String, shortNames: [String] = [], categories: [String] = [],
        description: String, spec: JSONSchemaProperty, status: JSONSchemaProperty, scale: Scale? = nil,
        printerColumns: [PrinterColumn] = [], metadataName: JSONSchemaProperty? = nil
    ) {
        self.resource = resource
        self.singular = singular
        self.shortNames = shortNames
        self.categories = categories
        self.description = description
        self.spec = spec
        self.status = status
        self.scale = scale
        self.printerColumns = printerColumns
        self.metadataName = metadataName
    }

    /// The file the CRD is written to: `<group>_<plural>.yaml` (controller-gen's naming).
    public var fileName: String { "\(resource.group)_\(resource.plural).yaml" }

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
            var fields: [(String, Node)] = [
                ("name", Y.string(c.name)), ("type", Y.string(c.type)), ("jsonPath", Y.string(c.jsonPath)),
                ("description", Y.string(c.description)),
            ]
            if let priority = c.priority { fields.append(("priority", Y.value(.int(Int64(priority))))) }
            return Y.mapping(fields)
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

    /// The CRD as a file: `---`, then ``yaml()``.
    public func fileText() throws -> String { "---\n" + (try yaml()) }
}
