/// The kind of project a source analysis found, which decides how its image is built.
public enum SourceLanguage: String, Codable, Sendable, CaseIterable {
    /// `package.json`: npm, yarn or pnpm.
    case node
    /// `requirements.txt`, `pyproject.toml` or a `Procfile` naming a Python server.
    case python
    /// `go.mod`.
    case go
    /// An `index.html` and no server code: served by an unprivileged nginx.
    case staticSite = "static"
    /// The repository brings its own Dockerfile, built as it is.
    case dockerfile
}
