/// A Dockerfile the repository brings: built as it is (`BuildStrategy.auto`), its port the
/// first number of the last `EXPOSE` (`EXPOSE 8080/tcp` → 8080; a variable → none).
public struct DockerfileDetector: Sendable {
    /// The path looked for by default: `Dockerfile`.
    public static let defaultPath = "Dockerfile"
    private static let expose = TextPattern(#"^\s*EXPOSE\s+([0-9]{1,5})"#, caseInsensitive: true)

    public init() {}

    /// The analysis when `path` (relative to the tree) is a readable file, else `nil`. The
    /// environment names are those the code of any language reads.
    public func detect(_ tree: SourceTree, path: String = defaultPath) -> SourceAnalysis? {
        guard let text = tree.text(path) else { return nil }
        var analysis = SourceAnalysis(language: .dockerfile, dockerfile: path)
        analysis.port = portNumber(Self.expose.captures(in: text).last)
        analysis.env = EnvironmentReferenceScanner().names(in: tree, dialects: EnvironmentReferenceScanner.Dialect.allCases)
        return analysis
    }
}
