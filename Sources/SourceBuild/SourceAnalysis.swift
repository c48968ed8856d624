/// What `quartermaster analyze` found in a repository (at `spec.source.git.subPath`), in the
/// spirit of Nixpacks' providers: enough to generate a Dockerfile and to run the result.
///
/// Stored as `status.analysis` of a `Deployment` and carried in the analyse Job's termination
/// message (``SourceReport``), so it stays small: ``env`` holds at most ``maxEnvNames`` names
/// and never a value.
public struct SourceAnalysis: Codable, Sendable, Equatable {
    /// The kind of project.
    public var language: SourceLanguage
    /// The web framework found (`express`, `next`, `fastify`, `flask`, `fastapi`, `django`,
    /// `gin`, `echo`, ...); `nil` when none is recognised.
    public var framework: String?
    /// The runtime version the project asks for (node `20`, python `3.12`, go `1.22`); `nil`:
    /// the renderer's default for the language.
    public var version: String?
    /// `npm`, `yarn`, `pnpm`, `pip`, `poetry` or `go`; `nil` for static sites and Dockerfiles.
    public var packageManager: String?
    /// Installs dependencies (`npm ci`, `pip install -r requirements.txt`); `nil`: nothing to install.
    public var installCommand: String?
    /// Builds the project (`npm run build`, `go build -o /out/app .`); `nil`: no build step.
    public var buildCommand: String?
    /// Starts the server, listening on `$PORT` where the framework allows it
    /// (`gunicorn --bind 0.0.0.0:${PORT:-8000} app:app`); `nil` for static sites and Dockerfiles.
    public var startCommand: String?
    /// The port the started server listens on: hard-coded in the code, `EXPOSE`d by the
    /// Dockerfile, or the framework's default. `nil` when unknown.
    public var port: Int?
    /// Names of the environment variables the code reads, sorted and unique, at most
    /// ``maxEnvNames``. Names only, never values.
    public var env: [String]
    /// Static sites: the directory served (`.`, `dist`, `build`, `public`); `nil` otherwise.
    public var outputDirectory: String?
    /// `dockerfile` projects: the Dockerfile's path relative to the analysed directory.
    public var dockerfile: String?

    /// Most names kept in ``env``: 32.
    public static let maxEnvNames = 32

    public init(
        language: SourceLanguage, framework: String? = nil, version: String? = nil, packageManager: String? = nil,
        installCommand: String? = nil, buildCommand: String? = nil, startCommand: String? = nil, port: Int? = nil,
        env: [String] = [], outputDirectory: String? = nil, dockerfile: String? = nil
    ) {
        self.language = language
        self.framework = framework
        self.version = version
        self.packageManager = packageManager
        self.installCommand = installCommand
        self.buildCommand = buildCommand
        self.startCommand = startCommand
        self.port = port
        self.env = env
        self.outputDirectory = outputDirectory
        self.dockerfile = dockerfile
    }

    enum CodingKeys: String, CodingKey {
        case language, framework, version, packageManager, installCommand, buildCommand, startCommand, port, env
        case outputDirectory, dockerfile
    }

    /// Omitted `env` decodes as empty; every other field is optional except `language`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        language = try c.decode(SourceLanguage.self, forKey: .language)
        framework = try c.decodeIfPresent(String.self, forKey: .framework)
        version = try c.decodeIfPresent(String.self, forKey: .version)
        packageManager = try c.decodeIfPresent(String.self, forKey: .packageManager)
        installCommand = try c.decodeIfPresent(String.self, forKey: .installCommand)
        buildCommand = try c.decodeIfPresent(String.self, forKey: .buildCommand)
        startCommand = try c.decodeIfPresent(String.self, forKey: .startCommand)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        env = try c.decodeIfPresent([String].self, forKey: .env) ?? []
        outputDirectory = try c.decodeIfPresent(String.self, forKey: .outputDirectory)
        dockerfile = try c.decodeIfPresent(String.self, forKey: .dockerfile)
    }
}
