import Foundation

/// Node projects (`package.json`), as Nixpacks' node provider sees them.
///
/// - package manager from the lockfile (`pnpm-lock.yaml` → pnpm, `yarn.lock` → yarn,
///   `package-lock.json`/`npm-shrinkwrap.json` → npm) or the `packageManager` field; install
///   `npm ci` (`npm install` without a lockfile), `yarn install --frozen-lockfile`,
///   `pnpm install --frozen-lockfile`;
/// - build: the `build` script run by the package manager; start: the `start` script, else
///   `node <main>`, else `node` of `server.js`, `index.js`, `app.js` or `main.js` when present;
/// - version: the first major number of `engines.node`, `.nvmrc` or `.node-version`;
/// - framework: `next`, `nuxt`, `@nestjs/core` (nestjs), `fastify`, `koa`, `express` (dependencies);
/// - port: a literal in `.listen(N` or `PORT || N` / `PORT ?? N`, else 3000 (Next's and most
///   examples' default).
///
/// A package without a start script, main file or server framework but with an `index.html`
/// (root, `public`, `src`) and a `build` script is a static site built by Node: see
/// ``StaticSiteDetector``.
public struct NodeProjectDetector: Sendable {
    /// The port assumed when the code names none: 3000.
    public static let defaultPort = 3000
    static let serverFrameworks: [(dependency: String, name: String)] = [
        ("next", "next"), ("nuxt", "nuxt"), ("@nestjs/core", "nestjs"), ("fastify", "fastify"), ("koa", "koa"),
        ("express", "express"), ("@hapi/hapi", "hapi"),
    ]
    private static let listenPort = TextPattern(#"\.listen\(\s*([0-9]{2,5})\b"#)
    private static let fallbackPort = TextPattern(#"PORT\s*(?:\|\||\?\?)\s*["']?([0-9]{2,5})\b"#)
    private static let entryFiles = ["server.js", "index.js", "app.js", "main.js", "server.mjs", "index.mjs"]

    /// What `package.json` says, read once.
    struct Package {
        var scripts: [String: String]
        var dependencies: Set<String>
        var main: String?
        var engine: String?
        var packageManagerField: String?
    }

    public init() {}

    /// The analysis, or `nil` when there is no readable `package.json` object.
    public func detect(_ tree: SourceTree) -> SourceAnalysis? {
        guard let package = Self.package(tree) else { return nil }
        let manager = Self.packageManager(tree, package)
        let framework = Self.serverFrameworks.first { package.dependencies.contains($0.dependency) }?.name
        var analysis = SourceAnalysis(language: .node, framework: framework)
        analysis.version = Self.version(tree, package)
        analysis.packageManager = manager
        analysis.installCommand = Self.installCommand(tree, manager)
        if package.scripts["build"] != nil { analysis.buildCommand = Self.run("build", manager) }
        let entry = Self.entryFile(tree, package)
        if package.scripts["start"] != nil {
            analysis.startCommand = manager == "npm" ? "npm start" : "\(manager) start"
        } else if let entry {
            analysis.startCommand = "node \(entry)"
        }
        analysis.port = Self.port(tree, entry: entry) ?? Self.defaultPort
        analysis.env = EnvironmentReferenceScanner().names(in: tree, dialects: [.node])
        return analysis
    }

    /// True when the package has a `build` script but nothing that serves: no start script, no
    /// entry file, no server framework (a front-end built to static files).
    func isBuildOnly(_ tree: SourceTree) -> Bool {
        guard let package = Self.package(tree) else { return false }
        return package.scripts["build"] != nil && package.scripts["start"] == nil
            && Self.entryFile(tree, package) == nil
            && !Self.serverFrameworks.contains { package.dependencies.contains($0.dependency) }
    }

    static func package(_ tree: SourceTree) -> Package? {
        guard let text = tree.text("package.json"),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return nil }
        let scripts = (object["scripts"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
        var dependencies: Set<String> = []
        for key in ["dependencies", "devDependencies"] {
            if let names = (object[key] as? [String: Any])?.keys { dependencies.formUnion(names) }
        }
        let engine = (object["engines"] as? [String: Any])?["node"] as? String
        return Package(
            scripts: scripts, dependencies: dependencies, main: object["main"] as? String, engine: engine,
            packageManagerField: object["packageManager"] as? String)
    }

    static func packageManager(_ tree: SourceTree, _ package: Package) -> String {
        if tree.contains("pnpm-lock.yaml") { return "pnpm" }
        if tree.contains("yarn.lock") { return "yarn" }
        if tree.contains("package-lock.json") || tree.contains("npm-shrinkwrap.json") { return "npm" }
        if let field = package.packageManagerField {
            if field.hasPrefix("pnpm@") { return "pnpm" }
            if field.hasPrefix("yarn@") { return "yarn" }
        }
        return "npm"
    }

    static func installCommand(_ tree: SourceTree, _ manager: String) -> String {
        switch manager {
        case "pnpm": return "pnpm install --frozen-lockfile"
        case "yarn": return "yarn install --frozen-lockfile"
        default:
            return tree.contains("package-lock.json") || tree.contains("npm-shrinkwrap.json") ? "npm ci" : "npm install"
        }
    }

    static func run(_ script: String, _ manager: String) -> String {
        manager == "yarn" ? "yarn \(script)" : "\(manager) run \(script)"
    }

    static func version(_ tree: SourceTree, _ package: Package) -> String? {
        let major = TextPattern(#"([0-9]+)"#)
        for candidate in [package.engine, tree.text(".nvmrc"), tree.text(".node-version")] {
            if let candidate, let number = major.firstCapture(in: candidate) { return number }
        }
        return nil
    }

    static func entryFile(_ tree: SourceTree, _ package: Package) -> String? {
        if let main = package.main {
            let trimmed = main.hasPrefix("./") ? String(main.dropFirst(2)) : main
            if tree.contains(trimmed) { return trimmed }
        }
        return entryFiles.first { tree.contains($0) }
    }

    static func port(_ tree: SourceTree, entry: String?) -> Int? {
        let sources = tree.files(endingWith: EnvironmentReferenceScanner.Dialect.node.fileExtensions)
        let ordered = (entry.map { [$0] } ?? []) + sources.filter { $0 != entry }
        for path in ordered {
            guard let text = tree.text(path) else { continue }
            if let port = portNumber(fallbackPort.firstCapture(in: text)) ?? portNumber(listenPort.firstCapture(in: text)) {
                return port
            }
        }
        return nil
    }
}
