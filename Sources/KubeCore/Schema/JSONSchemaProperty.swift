/// An OpenAPI v3 structural schema node, as used in a CustomResourceDefinition's
/// `openAPIV3Schema`.
///
/// Every node carries a description, so `kubectl explain` documents every field. Object
/// properties keep their declaration order (the generated YAML is stable); the emitter sorts
/// nothing. Build nodes with the static helpers (`.string(...)`, `.object(...)`, ...).
public struct JSONSchemaProperty: Sendable, Equatable {
    /// The JSON type: `string`, `integer`, `number`, `boolean`, `array`, `object`; `nil` only
    /// for `x-kubernetes-int-or-string` and preserve-unknown nodes.
    public var type: String?
    public var description: String
    public var format: String?
    public var defaultValue: JSONValue?
    public var minimum: Int64?
    public var maximum: Int64?
    public var minLength: Int?
    public var maxLength: Int?
    public var minItems: Int?
    public var maxItems: Int?
    /// For map-like objects: the most keys allowed.
    public var maxProperties: Int?
    public var enumValues: [String]?
    public var pattern: String?
    public var items: Box?
    /// Ordered object properties.
    public var properties: [(name: String, schema: JSONSchemaProperty)]?
    /// Schema of the values of a map-like object.
    public var additionalProperties: Box?
    public var required: [String]?
    public var nullable: Bool?
    public var preserveUnknownFields: Bool?
    public var intOrString: Bool?
    /// `x-kubernetes-list-type` (`atomic`, `set`, `map`).
    public var listType: String?
    public var listMapKeys: [String]?

    /// Indirection for recursive children.
    public final class Box: Sendable, Equatable {
        public let value: JSONSchemaProperty
        public init(_ value: JSONSchemaProperty) { self.value = value }
        public static func == (a: Box, b: Box) -> Bool { a.value == b.value }
    }

    public init(type: String?, description: String) {
        self.type = type
        self.description = description
    }

    public static func == (a: JSONSchemaProperty, b: JSONSchemaProperty) -> Bool {
        a.type == b.type && a.description == b.description && a.format == b.format
            && a.defaultValue == b.defaultValue && a.minimum == b.minimum && a.maximum == b.maximum
            && a.minLength == b.minLength && a.maxLength == b.maxLength && a.minItems == b.minItems
            && a.maxItems == b.maxItems && a.maxProperties == b.maxProperties
            && a.enumValues == b.enumValues && a.pattern == b.pattern && a.items == b.items
            && a.properties?.map(\.name) == b.properties?.map(\.name)
            && a.properties?.map(\.schema) == b.properties?.map(\.schema)
            && a.additionalProperties == b.additionalProperties && a.required == b.required
            && a.nullable == b.nullable && a.preserveUnknownFields == b.preserveUnknownFields
            && a.intOrString == b.intOrString && a.listType == b.listType && a.listMapKeys == b.listMapKeys
    }

    // MARK: Builders

    public static func string(
        _ description: String, default: String? = nil, enum values: [String]? = nil, pattern: String? = nil,
        minLength: Int? = nil, maxLength: Int? = nil, format: String? = nil
    ) -> JSONSchemaProperty {
        var p = JSONSchemaProperty(type: "string", description: description)
        p.defaultValue = `default`.map { .string($0) }
        p.enumValues = values
        p.pattern = pattern
        p.minLength = minLength
        p.maxLength = maxLength
        p.format = format
        return p
    }

    public static func integer(
        _ description: String, default: Int64? = nil, minimum: Int64? = nil, maximum: Int64? = nil,
        format: String? = "int32"
    ) -> JSONSchemaProperty {
        var p = JSONSchemaProperty(type: "integer", description: description)
        p.defaultValue = `default`.map { .int($0) }
        p.minimum = minimum
        p.maximum = maximum
        p.format = format
        return p
    }

    public static func boolean(_ description: String, default: Bool? = nil) -> JSONSchemaProperty {
        var p = JSONSchemaProperty(type: "boolean", description: description)
        p.defaultValue = `default`.map { .bool($0) }
        return p
    }

    public static func array(
        _ description: String, of items: JSONSchemaProperty, default: JSONValue? = nil, listType: String? = nil,
        minItems: Int? = nil, maxItems: Int? = nil
    ) -> JSONSchemaProperty {
        var p = JSONSchemaProperty(type: "array", description: description)
        p.items = Box(items)
        p.defaultValue = `default`
        p.listType = listType
        p.minItems = minItems
        p.maxItems = maxItems
        return p
    }

    public static func object(
        _ description: String, required: [String]? = nil, default: JSONValue? = nil,
        _ properties: KeyValuePairs<String, JSONSchemaProperty>
    ) -> JSONSchemaProperty {
        var p = JSONSchemaProperty(type: "object", description: description)
        p.properties = properties.map { (name: $0.key, schema: $0.value) }
        p.required = required
        p.defaultValue = `default`
        return p
    }

    /// An object whose keys are free and whose values follow `values` (`additionalProperties`).
    public static func map(_ description: String, values: JSONSchemaProperty, maxProperties: Int? = nil)
        -> JSONSchemaProperty
    {
        var p = JSONSchemaProperty(type: "object", description: description)
        p.additionalProperties = Box(values)
        p.maxProperties = maxProperties
        return p
    }

    /// An integer or a string, such as a resource quantity (`x-kubernetes-int-or-string`).
    public static func intOrString(_ description: String, pattern: String? = nil) -> JSONSchemaProperty {
        var p = JSONSchemaProperty(type: nil, description: description)
        p.intOrString = true
        p.pattern = pattern
        return p
    }

    /// An object kept as is, not validated or pruned (`x-kubernetes-preserve-unknown-fields`).
    public static func freeform(_ description: String) -> JSONSchemaProperty {
        var p = JSONSchemaProperty(type: "object", description: description)
        p.preserveUnknownFields = true
        return p
    }

    /// A copy with a different description (to reuse a shared node).
    public func described(_ description: String) -> JSONSchemaProperty {
        var p = self
        p.description = description
        return p
    }

    // MARK: Inspection

    /// Every node with its dotted path (`spec.storage.ipfs.size`; `[]` for array items), root first.
    public func allNodes(path: String = "") -> [(path: String, schema: JSONSchemaProperty)] {
        var out = [(path: path, schema: self)]
        for (name, child) in properties ?? [] {
            out += child.allNodes(path: path.isEmpty ? name : "\(path).\(name)")
        }
        if let items { out += items.value.allNodes(path: path + "[]") }
        if let additionalProperties { out += additionalProperties.value.allNodes(path: path + "{}") }
        return out
    }

    /// The child at a dotted property path, if any.
    public func property(at path: String) -> JSONSchemaProperty? {
        var node: JSONSchemaProperty? = self
        for name in path.split(separator: ".") {
            node = node?.properties?.first(where: { $0.name == name })?.schema
        }
        return node
    }
}
