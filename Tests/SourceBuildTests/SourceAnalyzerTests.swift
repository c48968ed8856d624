import Foundation
import SourceBuild
import Testing

/// Sample repositories committed with git, cloned by ``SourceJob`` over `file://` and analysed:
/// language, framework, commands, port and environment names as a user would expect them.
@Suite struct SourceAnalyzerTests {
    /// Commits `files`, clones and analyses them as the analyse Job does.
    static func analyze(_ files: [String: String], subPath: String = "") throws -> SourceReport {
        let repository = try SampleRepository(files)
        defer { repository.remove() }
        let workdir = try temporaryWorkdir()
        defer { try? FileManager.default.removeItem(at: workdir) }
        let report = try SourceJob(.init(repository: repository.url, subPath: subPath, workdir: workdir, allowFileURL: true)).run()
        #expect(report.commit == (try repository.git("rev-parse", "HEAD")))
        return report
    }

    @Test func nodeExpress() throws {
        let analysis = try #require(try Self.analyze(Samples.nodeExpress).analysis)
        #expect(analysis.language == .node)
        #expect(analysis.framework == "express")
        #expect(analysis.version == "20")
        #expect(analysis.packageManager == "npm")
        #expect(analysis.installCommand == "npm ci")
        #expect(analysis.buildCommand == "npm run build")
        #expect(analysis.startCommand == "npm start")
        #expect(analysis.port == 4000)
        // node_modules is never read.
        #expect(analysis.env == ["DATABASE_URL", "PORT", "SESSION_SECRET", "SMTP_HOST"])
    }

    @Test func pythonFlask() throws {
        let analysis = try #require(try Self.analyze(Samples.pythonFlask).analysis)
        #expect(analysis.language == .python)
        #expect(analysis.framework == "flask")
        #expect(analysis.version == "3.11")
        #expect(analysis.packageManager == "pip")
        #expect(analysis.installCommand == "pip install --no-cache-dir -r requirements.txt")
        #expect(analysis.buildCommand == nil)
        #expect(analysis.startCommand == "gunicorn --bind 0.0.0.0:${PORT:-8000} app:app")
        #expect(analysis.port == 8000)
        #expect(analysis.env == ["DATABASE_URL", "REDIS_URL", "SECRET_KEY"])
    }

    @Test func pythonFastAPI() throws {
        let analysis = try #require(try Self.analyze(Samples.pythonFastAPI).analysis)
        #expect(analysis.language == .python)
        #expect(analysis.framework == "fastapi")
        #expect(analysis.version == "3.12")
        #expect(analysis.installCommand == "pip install --no-cache-dir .")
        #expect(analysis.startCommand == "uvicorn service.api:api --host 0.0.0.0 --port ${PORT:-8000}")
        #expect(analysis.port == 8000)
        #expect(analysis.env == ["API_TOKEN", "REGION"])
    }

    @Test func go() throws {
        let analysis = try #require(try Self.analyze(Samples.go).analysis)
        #expect(analysis.language == .go)
        #expect(analysis.framework == "chi")
        #expect(analysis.version == "1.22")
        #expect(analysis.packageManager == "go")
        #expect(analysis.installCommand == "go mod download")
        #expect(analysis.buildCommand == "CGO_ENABLED=0 go build -o /out/app .")
        #expect(analysis.startCommand == "/app")
        #expect(analysis.port == 9090)
        #expect(analysis.env == ["DATABASE_URL", "FEATURE_FLAGS"])
    }

    @Test func staticSite() throws {
        let analysis = try #require(try Self.analyze(Samples.staticSite).analysis)
        #expect(analysis == SourceAnalysis(language: .staticSite, port: 8080, outputDirectory: "public"))
    }

    @Test func dockerfile() throws {
        let analysis = try #require(try Self.analyze(Samples.dockerfile).analysis)
        #expect(analysis.language == .dockerfile)
        #expect(analysis.dockerfile == "Dockerfile")
        #expect(analysis.port == 5000)
        #expect(analysis.startCommand == nil && analysis.installCommand == nil)
        #expect(analysis.env == ["GREETING"])
        // Without the Dockerfile's preference the same tree is a Python project.
        let repository = try SampleRepository(Samples.dockerfile)
        defer { repository.remove() }
        let generated = try SourceAnalyzer.analyze(directory: repository.directory, preferDockerfile: false)
        #expect(generated.language == .python)
    }

    @Test func subPathIsAnalysedAlone() throws {
        var files: [String: String] = [:]
        for (path, text) in Samples.go { files["services/api/" + path] = text }
        for (path, text) in Samples.staticSite { files[path] = text }
        let analysis = try #require(try Self.analyze(files, subPath: "services/api").analysis)
        #expect(analysis.language == .go && analysis.port == 9090)
    }

    @Test func lockfilesChooseThePackageManager() throws {
        let package = #"{"scripts":{"start":"node index.js","build":"vite build"},"dependencies":{"fastify":"4"}}"#
        for (lockfile, manager, install, build) in [
            ("yarn.lock", "yarn", "yarn install --frozen-lockfile", "yarn build"),
            ("pnpm-lock.yaml", "pnpm", "pnpm install --frozen-lockfile", "pnpm run build"),
        ] {
            let repository = try SampleRepository(["package.json": package, lockfile: "", "index.js": "require('fastify')().listen({ port: 3000 })\n"])
            defer { repository.remove() }
            let analysis = try SourceAnalyzer.analyze(directory: repository.directory)
            #expect(analysis.packageManager == manager)
            #expect(analysis.installCommand == install)
            #expect(analysis.buildCommand == build)
            #expect(analysis.startCommand == "\(manager) start")
            #expect(analysis.framework == "fastify")
            #expect(analysis.port == 3000)
        }
    }

    @Test func aFrontEndWithOnlyABuildIsAStaticSiteBuiltByNode() throws {
        let repository = try SampleRepository([
            "package.json": #"{"scripts":{"build":"vite build","dev":"vite"},"devDependencies":{"vite":"5"}}"#,
            "package-lock.json": "{}", "index.html": "<div id=app></div>", "src/main.js": "console.log(import.meta.env)\n",
        ])
        defer { repository.remove() }
        let analysis = try SourceAnalyzer.analyze(directory: repository.directory)
        #expect(analysis.language == .staticSite)
        #expect(analysis.framework == "vite")
        #expect(analysis.installCommand == "npm ci" && analysis.buildCommand == "npm run build")
        #expect(analysis.outputDirectory == "dist" && analysis.port == 8080)
    }

    @Test func djangoAndProcfile() throws {
        let django = try SampleRepository([
            "requirements.txt": "Django>=5\ngunicorn\n", "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
            "shop/settings.py": "import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n", "shop/wsgi.py": "application = None\n",
        ])
        defer { django.remove() }
        let site = try SourceAnalyzer.analyze(directory: django.directory)
        #expect(site.framework == "django")
        #expect(site.startCommand == "gunicorn --bind 0.0.0.0:${PORT:-8000} shop.wsgi")
        #expect(site.env == ["DJANGO_SECRET_KEY"])

        let procfile = try SampleRepository([
            "requirements.txt": "flask\n", "Procfile": "release: flask db upgrade\nweb: gunicorn -w 2 -b 0.0.0.0:$PORT wsgi:app\n",
            "wsgi.py": "from flask import Flask\napp = Flask(__name__)\n",
        ])
        defer { procfile.remove() }
        #expect(try SourceAnalyzer.analyze(directory: procfile.directory).startCommand == "gunicorn -w 2 -b 0.0.0.0:$PORT wsgi:app")

        // Flask without gunicorn: Flask's own server, still on $PORT.
        let plain = try SampleRepository(["requirements.txt": "flask\n", "main.py": "import flask\nserver = flask.Flask(__name__)\n"])
        defer { plain.remove() }
        #expect(
            try SourceAnalyzer.analyze(directory: plain.directory).startCommand
                == "flask --app main:server run --host 0.0.0.0 --port ${PORT:-8000}")
    }

    @Test func nothingRecognisedIsAnError() throws {
        let repository = try SampleRepository(["README.md": "nothing to run\n"])
        defer { repository.remove() }
        #expect(throws: SourceAnalyzer.AnalysisError.unrecognised) { try SourceAnalyzer.analyze(directory: repository.directory) }
    }
}
