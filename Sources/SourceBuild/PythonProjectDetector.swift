import Foundation

/// Python projects (`requirements.txt`, `pyproject.toml`, `Pipfile`, `setup.py`, or a `Procfile`
/// beside Python files), as Nixpacks' python provider sees them.
///
/// - framework from the dependencies (and `manage.py`): `django`, `fastapi`, `flask`;
/// - package manager: `poetry` (a `poetry.lock` or `[tool.poetry]`), else `pip`; install
///   `pip install --no-cache-dir -r requirements.txt`, `pip install --no-cache-dir .`, or
///   poetry's `install --no-root --only main` into the image's environment;
/// - version: `.python-version`, `runtime.txt` (`python-3.12.1`), `requires-python`: major.minor;
/// - start, binding `0.0.0.0:${PORT:-8000}`: the `Procfile`'s `web:` line as written; FastAPI:
///   `uvicorn <module>:<app>` of the module that creates the `FastAPI()` app (uvicorn is added to
///   the install when no dependency brings it); Flask: `gunicorn <module>:<app>` when gunicorn
///   is a dependency, else `flask --app <module>:<app> run`; Django: `gunicorn <project>.wsgi`
///   when gunicorn is a dependency, else `manage.py runserver`; otherwise `python main.py`/`app.py`;
/// - port: 8000, or the literal `port=N` of the file `python` runs.
public struct PythonProjectDetector: Sendable {
    /// The port the generated start commands default to: 8000.
    public static let defaultPort = 8000
    private static let bind = "0.0.0.0:${PORT:-8000}"
    private static let procfileWeb = TextPattern(#"^web:\s*(.+?)\s*$"#)
    private static let requirementName = TextPattern(#"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)"#)
    private static let versionNumber = TextPattern(#"([0-9]+\.[0-9]+)"#)
    private static let literalPort = TextPattern(#"port\s*=\s*([0-9]{2,5})\b"#, caseInsensitive: true)
    private static let environPort = TextPattern(#"["']PORT["']\s*,\s*["']?([0-9]{2,5})\b"#)

    public init() {}

    /// The analysis, or `nil` when nothing says Python.
    public func detect(_ tree: SourceTree) -> SourceAnalysis? {
        let pythonFiles = tree.files(endingWith: [".py"])
        let manifests = ["requirements.txt", "pyproject.toml", "Pipfile", "setup.py"].filter(tree.contains)
        let procfile = tree.text("Procfile")
        guard !manifests.isEmpty || (procfile != nil && !pythonFiles.isEmpty) else { return nil }

        let dependencies = Self.dependencies(tree)
        let pyproject = tree.text("pyproject.toml") ?? ""
        let poetry = tree.contains("poetry.lock") || pyproject.contains("[tool.poetry]")
        let framework: String? =
            if dependencies.contains("django") || tree.contains("manage.py") { "django" }
            else if dependencies.contains("fastapi") { "fastapi" }
            else if dependencies.contains("flask") { "flask" }
            else { nil }

        var analysis = SourceAnalysis(language: .python, framework: framework)
        analysis.packageManager = poetry ? "poetry" : "pip"
        analysis.version = Self.version(tree)
        var install: String? =
            if poetry {
                "pip install --no-cache-dir poetry && poetry config virtualenvs.create false && poetry install --no-root --only main"
            } else if tree.contains("requirements.txt") {
                "pip install --no-cache-dir -r requirements.txt"
            } else if tree.contains("pyproject.toml") || tree.contains("setup.py") {
                "pip install --no-cache-dir ."
            } else { nil }
        analysis.port = Self.defaultPort

        if let web = procfile.flatMap({ Self.procfileWeb.firstCapture(in: $0) }) {
            analysis.startCommand = web
        } else {
            switch framework {
            case "fastapi":
                let app = Self.application(tree, pythonFiles, constructor: "FastAPI") ?? "main:app"
                analysis.startCommand = "uvicorn \(app) --host 0.0.0.0 --port ${PORT:-8000}"
                if !dependencies.contains("uvicorn") && !pyproject.contains("fastapi[standard]")
                    && !(tree.text("requirements.txt") ?? "").contains("fastapi[standard]")
                {
                    install = (install.map { $0 + " && " } ?? "") + "pip install --no-cache-dir uvicorn"
                }
            case "flask":
                let app = Self.application(tree, pythonFiles, constructor: "Flask") ?? "app:app"
                analysis.startCommand =
                    dependencies.contains("gunicorn")
                    ? "gunicorn --bind \(Self.bind) \(app)"
                    : "flask --app \(app) run --host 0.0.0.0 --port ${PORT:-8000}"
            case "django":
                if dependencies.contains("gunicorn"), let project = Self.djangoProject(tree) {
                    analysis.startCommand = "gunicorn --bind \(Self.bind) \(project).wsgi"
                } else {
                    analysis.startCommand = "python manage.py runserver 0.0.0.0:${PORT:-8000}"
                }
            default:
                if let script = ["main.py", "app.py", "server.py", "wsgi.py"].first(where: tree.contains) {
                    analysis.startCommand = "python \(script)"
                    if let text = tree.text(script),
                        let port = portNumber(Self.environPort.firstCapture(in: text) ?? Self.literalPort.firstCapture(in: text))
                    {
                        analysis.port = port
                    }
                }
            }
        }
        analysis.installCommand = install
        analysis.env = EnvironmentReferenceScanner().names(in: tree, dialects: [.python])
        return analysis
    }

    /// Lowercased distribution names from requirements.txt, Pipfile and pyproject.toml (extras
    /// and versions dropped; `_` read as `-`).
    static func dependencies(_ tree: SourceTree) -> Set<String> {
        var names: Set<String> = []
        if let requirements = tree.text("requirements.txt") {
            for line in requirements.split(whereSeparator: \.isNewline) where !line.hasPrefix("-") && !line.hasPrefix("#") {
                if let name = requirementName.firstCapture(in: String(line)) { names.insert(normalized(name)) }
            }
        }
        // pyproject.toml and Pipfile: any quoted requirement or `name =` key that is a known server piece.
        let known = ["django", "fastapi", "flask", "gunicorn", "uvicorn", "starlette"]
        for file in ["pyproject.toml", "Pipfile"] {
            guard let text = tree.text(file)?.lowercased() else { continue }
            for name in known where TextPattern(#"(?:^|["'\s])\#(name)(?:[\[<>=~!;"'\s]|$)"#).matches(text) {
                names.insert(name)
            }
        }
        return names
    }

    static func normalized(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// `module:variable` of the file that assigns `variable = <constructor>(`, preferring files
    /// nearest the root (then `main.py`, `app.py`).
    static func application(_ tree: SourceTree, _ files: [String], constructor: String) -> String? {
        let assignment = TextPattern(#"^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z_.]+\s*)?=\s*(?:[A-Za-z_]+\.)?\#(constructor)\("#)
        let preferred = ["main.py", "app.py", "server.py", "api.py"]
        let ordered = preferred.filter(files.contains) + files.filter { !preferred.contains($0) }
        for path in ordered {
            guard let text = tree.text(path), let variable = assignment.firstCapture(in: text) else { continue }
            let module = String(path.dropLast(3)).replacingOccurrences(of: "/", with: ".")
            return "\(module):\(variable)"
        }
        return nil
    }

    /// The Django project package: the directory of the `wsgi.py` beside a `settings.py`.
    static func djangoProject(_ tree: SourceTree) -> String? {
        tree.files.first { $0.hasSuffix("/wsgi.py") && tree.contains(SourceTree.directory(of: $0) + "/settings.py") }
            .map { SourceTree.directory(of: $0).replacingOccurrences(of: "/", with: ".") }
    }

    static func version(_ tree: SourceTree) -> String? {
        for file in [".python-version", "runtime.txt"] {
            if let text = tree.text(file), let version = versionNumber.firstCapture(in: text) { return version }
        }
        if let pyproject = tree.text("pyproject.toml"),
            let line = pyproject.split(whereSeparator: \.isNewline).first(where: {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix("requires-python") || $0.trimmingCharacters(in: .whitespaces).hasPrefix("python =")
            }),
            let version = versionNumber.firstCapture(in: String(line))
        {
            return version
        }
        return nil
    }
}
