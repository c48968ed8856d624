/// Static sites: an `index.html` and no server code, served by an unprivileged nginx on 8080.
///
/// Asked only when no Node, Python or Go server was found (``SourceAnalyzer`` decides the
/// order). The served directory is the first of `.`, `public`, `dist`, `build` with an
/// `index.html`. A Node package with a `build` script and nothing that serves
/// (``NodeProjectDetector``) is a static site built first: install and build by its package
/// manager, served from `dist` (`build` for react-scripts), and no `index.html` is required.
public struct StaticSiteDetector: Sendable {
    /// The port nginx-unprivileged listens on: 8080.
    public static let defaultPort = 8080
    /// Where an `index.html` is looked for, in order.
    public static let directories = [".", "public", "dist", "build"]

    public init() {}

    /// The analysis, or `nil` when there is no site.
    public func detect(_ tree: SourceTree) -> SourceAnalysis? {
        let node = NodeProjectDetector()
        if node.isBuildOnly(tree), let package = NodeProjectDetector.package(tree) {
            let manager = NodeProjectDetector.packageManager(tree, package)
            var analysis = SourceAnalysis(language: .staticSite)
            analysis.framework = package.dependencies.contains("vite") ? "vite"
                : package.dependencies.contains("react-scripts") ? "create-react-app" : nil
            analysis.version = NodeProjectDetector.version(tree, package)
            analysis.packageManager = manager
            analysis.installCommand = NodeProjectDetector.installCommand(tree, manager)
            analysis.buildCommand = NodeProjectDetector.run("build", manager)
            analysis.outputDirectory = package.dependencies.contains("react-scripts") ? "build" : "dist"
            analysis.port = Self.defaultPort
            analysis.env = EnvironmentReferenceScanner().names(in: tree, dialects: [.node])
            return analysis
        }
        guard let directory = Self.directories.first(where: { tree.contains($0 == "." ? "index.html" : $0 + "/index.html") })
        else { return nil }
        return SourceAnalysis(language: .staticSite, port: Self.defaultPort, outputDirectory: directory)
    }
}
