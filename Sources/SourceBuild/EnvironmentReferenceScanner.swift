/// Finds the names of the environment variables source code reads, never their values.
///
/// Node: `process.env.NAME`, `process.env["NAME"]`. Python: `os.environ["NAME"]`,
/// `os.environ.get("NAME")`, `os.getenv("NAME")` (also `environ[...]`/`getenv(...)` imported
/// from `os`). Go: `os.Getenv("NAME")`, `os.LookupEnv("NAME")`. The result is sorted, unique
/// and at most ``SourceAnalysis/maxEnvNames`` long.
public struct EnvironmentReferenceScanner: Sendable {
    /// Which language's forms to look for.
    public enum Dialect: Sendable, CaseIterable {
        case node, python, go

        /// Extensions of the files written in the dialect.
        public var fileExtensions: [String] {
            switch self {
            case .node: [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"]
            case .python: [".py"]
            case .go: [".go"]
            }
        }
    }

    private static let name = "([A-Za-z_][A-Za-z0-9_]*)"
    private static let node = [
        TextPattern(#"process\.env\.\#(name)"#),
        TextPattern(#"process\.env\[\s*["'`]\#(name)["'`]\s*\]"#),
    ]
    private static let python = [
        TextPattern(#"environ\[\s*["']\#(name)["']\s*\]"#),
        TextPattern(#"environ\.get\(\s*["']\#(name)["']"#),
        TextPattern(#"getenv\(\s*["']\#(name)["']"#),
    ]
    private static let go = [
        TextPattern(#"os\.Getenv\(\s*"\#(name)""#),
        TextPattern(#"os\.LookupEnv\(\s*"\#(name)""#),
    ]

    public init() {}

    /// Names read in `text`, in order of appearance (duplicates kept).
    public func names(in text: String, dialect: Dialect) -> [String] {
        let patterns =
            switch dialect {
            case .node: Self.node
            case .python: Self.python
            case .go: Self.go
            }
        return patterns.flatMap { $0.captures(in: text) }
    }

    /// Names read by the tree's files of the given dialects: sorted, unique, at most
    /// ``SourceAnalysis/maxEnvNames``.
    public func names(in tree: SourceTree, dialects: [Dialect]) -> [String] {
        var found: Set<String> = []
        for dialect in dialects {
            for path in tree.files(endingWith: dialect.fileExtensions) {
                guard let text = tree.text(path) else { continue }
                found.formUnion(names(in: text, dialect: dialect))
            }
        }
        return Array(found.sorted().prefix(SourceAnalysis.maxEnvNames))
    }
}
