/// Container path prefixes → local directories, applied to the strings a process is started
/// with (see `ProcessKubeletImage` for the rule).
struct ProcessKubeletPathMap: Sendable {
    /// Longest prefix first.
    private(set) var entries: [(container: String, local: String)] = []

    init(_ pairs: [(String, String)] = []) {
        for (container, local) in pairs { add(container, local) }
    }

    mutating func add(_ container: String, _ local: String) {
        let key = container.count > 1 && container.hasSuffix("/") ? String(container.dropLast()) : container
        entries.removeAll { $0.container == key }
        entries.append((key, local))
        entries.sort { $0.container.count > $1.container.count }
    }

    /// `path` with its mapped prefix replaced, or `nil` when no prefix maps it.
    func mapPath(_ path: String) -> String? {
        for entry in entries {
            if path == entry.container { return entry.local }
            if path.hasPrefix(entry.container + "/") { return entry.local + path.dropFirst(entry.container.count) }
        }
        return nil
    }

    /// `value` rewritten: the whole string, or the part after its first `=`.
    func rewrite(_ value: String) -> String {
        if let mapped = mapPath(value) { return mapped }
        if let equals = value.firstIndex(of: "="),
            let mapped = mapPath(String(value[value.index(after: equals)...]))
        {
            return String(value[...equals]) + mapped
        }
        return value
    }
}
