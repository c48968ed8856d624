/// The base images generated Dockerfiles use, pinned by tag per language and runtime version:
/// each fact in one place, so the renderer and the docs agree.
public enum BaseImages {
    /// Node when the analysis names no version: 22 (the active LTS line).
    public static let defaultNodeVersion = "22"
    /// Python when the analysis names no version: 3.12.
    public static let defaultPythonVersion = "3.12"
    /// Go when `go.mod` names no version: 1.23.
    public static let defaultGoVersion = "1.23"
    /// The runtime of Go binaries (static, CGO disabled): distroless, uid 65532.
    public static let distrolessStatic = "gcr.io/distroless/static-debian12:nonroot"
    /// Static sites: nginx as uid 101, listening on 8080.
    public static let nginxUnprivileged = "nginxinc/nginx-unprivileged:1.27-alpine"

    /// `node:<version>-bookworm-slim`.
    public static func node(_ version: String) -> String { "node:\(version)-bookworm-slim" }
    /// `python:<version>-slim`.
    public static func python(_ version: String) -> String { "python:\(version)-slim" }
    /// `golang:<version>`.
    public static func golang(_ version: String) -> String { "golang:\(version)" }

    /// `version` when it is a plain tag fragment (letters, digits, `.`, `-`, `_`; at most 32),
    /// else `fallback`: nothing a repository or an override writes can change the FROM line
    /// beyond the tag.
    public static func safeVersion(_ version: String?, fallback: String) -> String {
        guard let version, !version.isEmpty, version.count <= 32,
            version.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
        else { return fallback }
        return version
    }
}
