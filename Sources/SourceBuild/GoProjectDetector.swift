/// Go modules (`go.mod`).
///
/// - version: the `go` directive's major.minor (`go 1.22.3` → `1.22`);
/// - framework from the required modules: gin, echo, fiber, chi, gorilla;
/// - install `go mod download`; build `CGO_ENABLED=0 go build -o /out/app <package>`: the root
///   when it holds `package main`, else the only `cmd/<name>` directory; start `/app` (the
///   renderer copies the binary there);
/// - port: the literal of `ListenAndServe(":N"`, `.Run(":N"`, `.Start(":N"`, `.Listen(":N"`, or
///   a `"N"` default beside `Getenv("PORT")`; else 8080.
public struct GoProjectDetector: Sendable {
    /// The port assumed when the code names none: 8080.
    public static let defaultPort = 8080
    /// Where the build puts the binary (and where the image has it: ``startCommand``).
    public static let buildOutput = "/out/app"
    /// The start command of every Go analysis: the binary copied into the image.
    public static let startCommand = "/app"
    private static let goDirective = TextPattern(#"^go\s+([0-9]+\.[0-9]+)"#)
    private static let listen = TextPattern(#"(?:ListenAndServe(?:TLS)?|\.Run|\.Start|\.Listen)\(\s*"[^":]*:([0-9]{2,5})""#)
    private static let portDefault = TextPattern(#"port\s*(?::=|=)\s*"([0-9]{2,5})""#, caseInsensitive: true)
    private static let packageMain = TextPattern(#"^package\s+main\b"#)
    private static let frameworks: [(module: String, name: String)] = [
        ("github.com/gin-gonic/gin", "gin"), ("github.com/labstack/echo", "echo"), ("github.com/gofiber/fiber", "fiber"),
        ("github.com/go-chi/chi", "chi"), ("github.com/gorilla/mux", "gorilla"),
    ]

    public init() {}

    /// The analysis, or `nil` without a readable `go.mod`.
    public func detect(_ tree: SourceTree) -> SourceAnalysis? {
        guard let module = tree.text("go.mod") else { return nil }
        var analysis = SourceAnalysis(language: .go)
        analysis.framework = Self.frameworks.first { module.contains($0.module) }?.name
        analysis.version = Self.goDirective.firstCapture(in: module)
        analysis.packageManager = "go"
        analysis.installCommand = "go mod download"
        analysis.buildCommand = "CGO_ENABLED=0 go build -o \(Self.buildOutput) \(Self.mainPackage(tree))"
        analysis.startCommand = Self.startCommand
        let sources = tree.files(endingWith: [".go"]).filter { !$0.hasSuffix("_test.go") }
        analysis.port =
            sources.lazy.compactMap { path -> Int? in
                guard let text = tree.text(path) else { return nil }
                return portNumber(Self.listen.firstCapture(in: text)) ?? portNumber(Self.portDefault.firstCapture(in: text))
            }.first ?? Self.defaultPort
        analysis.env = EnvironmentReferenceScanner().names(in: tree, dialects: [.go])
        return analysis
    }

    /// `.` when a root file is `package main`, else `./cmd/<name>` when exactly one such
    /// directory has a main package; `.` otherwise.
    static func mainPackage(_ tree: SourceTree) -> String {
        let goFiles = tree.files(endingWith: [".go"]).filter { !$0.hasSuffix("_test.go") }
        if goFiles.contains(where: { !$0.contains("/") && tree.text($0).map(packageMain.matches) == true }) { return "." }
        let commands = Set(
            goFiles.filter { $0.hasPrefix("cmd/") && $0.split(separator: "/").count == 3 && tree.text($0).map(packageMain.matches) == true }
                .map(SourceTree.directory(of:)))
        if commands.count == 1, let only = commands.first { return "./" + only }
        return "."
    }
}
