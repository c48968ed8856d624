import Foundation

/// Detects what a directory holds and how to build and run it, Nixpacks-style: pure over the
/// directory's files (read through a bounded ``SourceTree``), no network, nothing executed.
///
/// Order: a Dockerfile (``DockerfileDetector``) wins; then Node (``NodeProjectDetector``, unless
/// the package only builds a front-end), Python (``PythonProjectDetector``), Go
/// (``GoProjectDetector``), and a static site (``StaticSiteDetector``). Nothing recognised →
/// ``AnalysisError/unrecognised``.
public enum SourceAnalyzer {
    /// Why a directory could not be analysed.
    public enum AnalysisError: Error, Equatable, CustomStringConvertible {
        /// No detector recognised the directory.
        case unrecognised
        /// The directory does not exist or is not a directory.
        case notADirectory(String)

        public var description: String {
            switch self {
            case .unrecognised:
                "no Dockerfile, package.json, requirements.txt, pyproject.toml, Procfile, go.mod or index.html found"
            case .notADirectory(let path): "\(path) is not a directory"
            }
        }
    }

    /// The analysis of `directory`. `dockerfilePath` (relative) is the Dockerfile that makes it a
    /// `dockerfile` project; `preferDockerfile: false` ignores it (strategy `Generated`).
    public static func analyze(
        directory: URL, dockerfilePath: String = DockerfileDetector.defaultPath, preferDockerfile: Bool = true
    ) throws -> SourceAnalysis {
        let tree: SourceTree
        do { tree = try SourceTree(directory: directory) } catch { throw AnalysisError.notADirectory(directory.path) }
        return try analyze(tree: tree, dockerfilePath: dockerfilePath, preferDockerfile: preferDockerfile)
    }

    /// The analysis of an already walked tree.
    public static func analyze(
        tree: SourceTree, dockerfilePath: String = DockerfileDetector.defaultPath, preferDockerfile: Bool = true
    ) throws -> SourceAnalysis {
        if preferDockerfile, let dockerfile = DockerfileDetector().detect(tree, path: dockerfilePath) { return dockerfile }
        let node = NodeProjectDetector()
        if !node.isBuildOnly(tree), let analysis = node.detect(tree) { return analysis }
        if let analysis = PythonProjectDetector().detect(tree) { return analysis }
        if let analysis = GoProjectDetector().detect(tree) { return analysis }
        if let analysis = StaticSiteDetector().detect(tree) { return analysis }
        if let analysis = node.detect(tree) { return analysis }
        throw AnalysisError.unrecognised
    }
}
