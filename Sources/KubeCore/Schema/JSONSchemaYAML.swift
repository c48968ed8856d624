import Yams

/// Conversion of schemas and JSON values to ordered Yams nodes.
enum YAMLNodes {
    /// An ordered mapping of string keys.
    static func mapping(_ pairs: [(String, Node)]) -> Node {
        .mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1) }))
    }

    /// A string scalar, quoted when it would otherwise read as another type (`True`, `1`, `null`).
    static func string(_ s: String) -> Node { .scalar(s.represented()) }

    /// A JSON value; object keys sorted for stability.
    static func value(_ v: JSONValue) -> Node {
        switch v {
        case .null: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .int(let i): return Node(String(i), Tag(.int))
        case .double(let d): return Node(String(d), Tag(.float))
        case .string(let s): return string(s)
        case .array(let a): return .sequence(Node.Sequence(a.map(value)))
        case .object(let o): return mapping(o.keys.sorted().map { ($0, value(o[$0] ?? .null)) })
        }
    }

    static func strings(_ a: [String]) -> Node { .sequence(Node.Sequence(a.map(string))) }

    /// A schema node, keys in a fixed order (description first, properties last).
    static func schema(_ s: JSONSchemaProperty) -> Node {
        var pairs: [(String, Node)] = s.description.isEmpty ? [] : [("description", string(s.description))]
        if let t = s.type { pairs.append(("type", string(t))) }
        if let f = s.format { pairs.append(("format", string(f))) }
        if let d = s.defaultValue { pairs.append(("default", value(d))) }
        if let e = s.enumValues { pairs.append(("enum", strings(e))) }
        if let p = s.pattern { pairs.append(("pattern", string(p))) }
        if let m = s.minimum { pairs.append(("minimum", value(.int(m)))) }
        if let m = s.maximum { pairs.append(("maximum", value(.int(m)))) }
        if let m = s.minLength { pairs.append(("minLength", value(.int(Int64(m))))) }
        if let m = s.maxLength { pairs.append(("maxLength", value(.int(Int64(m))))) }
        if let m = s.minItems { pairs.append(("minItems", value(.int(Int64(m))))) }
        if let m = s.maxItems { pairs.append(("maxItems", value(.int(Int64(m))))) }
        if let m = s.maxProperties { pairs.append(("maxProperties", value(.int(Int64(m))))) }
        if let n = s.nullable { pairs.append(("nullable", value(.bool(n)))) }
        if s.intOrString == true { pairs.append(("x-kubernetes-int-or-string", value(true))) }
        if s.preserveUnknownFields == true { pairs.append(("x-kubernetes-preserve-unknown-fields", value(true))) }
        if let l = s.listType { pairs.append(("x-kubernetes-list-type", string(l))) }
        if let k = s.listMapKeys { pairs.append(("x-kubernetes-list-map-keys", strings(k))) }
        if let r = s.required, !r.isEmpty { pairs.append(("required", strings(r))) }
        if let i = s.items { pairs.append(("items", schema(i.value))) }
        if let a = s.additionalProperties { pairs.append(("additionalProperties", schema(a.value))) }
        if let props = s.properties { pairs.append(("properties", mapping(props.map { ($0.name, schema($0.schema)) }))) }
        return mapping(pairs)
    }
}
