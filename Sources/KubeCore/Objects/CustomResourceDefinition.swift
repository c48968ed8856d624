import Foundation

/// A CustomResourceDefinition (`apiextensions.k8s.io/v1`, cluster-scoped). Its name is `<plural>.<group>`.
public struct CustomResourceDefinition: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", namespaced: false)

    /// Always encoded; defaults to `apiextensions.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `CustomResourceDefinition`.
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: CustomResourceDefinitionSpec?
    public var status: CustomResourceDefinitionStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: CustomResourceDefinitionSpec? = nil, status: CustomResourceDefinitionStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        spec = try c.decodeIfPresent(CustomResourceDefinitionSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(CustomResourceDefinitionStatus.self, forKey: .status)
    }
}

public struct CustomResourceDefinitionSpec: Codable, Hashable, Sendable {
    public var group: String
    public var names: CustomResourceDefinitionNames
    /// `Namespaced` or `Cluster`.
    public var scope: String
    public var versions: [CustomResourceDefinitionVersion]
    public var preserveUnknownFields: Bool?
    public var conversion: JSONValue?
    public init(
        group: String, names: CustomResourceDefinitionNames, scope: String,
        versions: [CustomResourceDefinitionVersion], preserveUnknownFields: Bool? = nil, conversion: JSONValue? = nil
    ) {
        self.group = group
        self.names = names
        self.scope = scope
        self.versions = versions
        self.preserveUnknownFields = preserveUnknownFields
        self.conversion = conversion
    }
}

public struct CustomResourceDefinitionNames: Codable, Hashable, Sendable {
    public var plural: String
    public var singular: String?
    public var kind: String
    public var listKind: String?
    public var shortNames: [String]?
    public var categories: [String]?
    public init(
        plural: String, singular: String? = nil, kind: String, listKind: String? = nil, shortNames: [String]? = nil,
        categories: [String]? = nil
    ) {
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.listKind = listKind
        self.shortNames = shortNames
        self.categories = categories
    }
}

public struct CustomResourceDefinitionVersion: Codable, Hashable, Sendable {
    public var name: String
    public var served: Bool
    /// Exactly one version is stored.
    public var storage: Bool
    public var deprecated: Bool?
    /// `{"openAPIV3Schema": {...}}`.
    public var schema: JSONValue?
    /// `{"status": {}}` and/or `{"scale": {...}}`.
    public var subresources: JSONValue?
    public var additionalPrinterColumns: [JSONValue]?
    public init(
        name: String, served: Bool = true, storage: Bool, deprecated: Bool? = nil, schema: JSONValue? = nil,
        subresources: JSONValue? = nil, additionalPrinterColumns: [JSONValue]? = nil
    ) {
        self.name = name
        self.served = served
        self.storage = storage
        self.deprecated = deprecated
        self.schema = schema
        self.subresources = subresources
        self.additionalPrinterColumns = additionalPrinterColumns
    }
}

public struct CustomResourceDefinitionStatus: Codable, Hashable, Sendable {
    /// `Established`, `NamesAccepted`, ... (shaped like `Condition`).
    public var conditions: [Condition]?
    public var acceptedNames: CustomResourceDefinitionNames?
    public var storedVersions: [String]?
    public init(
        conditions: [Condition]? = nil, acceptedNames: CustomResourceDefinitionNames? = nil,
        storedVersions: [String]? = nil
    ) {
        self.conditions = conditions
        self.acceptedNames = acceptedNames
        self.storedVersions = storedVersions
    }

    /// `true` once the `Established` condition is `True` (the API serves the kind).
    public var isEstablished: Bool { conditions?.isTrue("Established") ?? false }
}
