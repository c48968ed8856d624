import Foundation
import SourceBuild
import Testing

/// Generated Dockerfiles, read back by PyPI `dockerfile-parse` (a maintained parser, run with
/// `python3 -c`): multi-stage, pinned images, numeric non-root USER, ENV PORT, EXPOSE, and an
/// exec-form CMD.
@Suite struct DockerfileRendererTests {
    static var parserInstalled: Bool { (try? SampleRepository.run(["python3", "-c", "import dockerfile_parse"])) != nil }

    /// What dockerfile-parse reads from `text`: its instructions and the images of its stages.
    struct Parsed: Decodable {
        struct Instruction: Decodable {
            var instruction: String
            var value: String
        }
        var structure: [Instruction]
        var parent_images: [String]
        var is_multistage: Bool

        func values(_ instruction: String) -> [String] { structure.filter { $0.instruction == instruction }.map(\.value) }
    }

    static func parse(_ text: String) throws -> Parsed {
        let script = """
            import json, sys, tempfile
            from dockerfile_parse import DockerfileParser
            parser = DockerfileParser(path=tempfile.mkdtemp())
            parser.content = sys.stdin.read()
            print(json.dumps({"structure": parser.structure, "parent_images": parser.parent_images,
                              "is_multistage": parser.is_multistage}))
            """
        let output = try SampleRepository.run(["python3", "-c", script], stdin: text)
        return try JSONDecoder().decode(Parsed.self, from: Data(output.utf8))
    }

    /// Checks every rule a generated Dockerfile keeps; returns the parse for more checks.
    @discardableResult
    static func check(_ analysis: SourceAnalysis, port: Int, overrides: BuildOverrides = BuildOverrides()) throws -> Parsed {
        let text = DockerfileRenderer.render(analysis: analysis, port: port, overrides: overrides)
        #expect(DockerfileRenderer.render(analysis: analysis, port: port, overrides: overrides) == text, "pure")
        print("DockerfileRendererTests: \(analysis.language.rawValue) on \(port):\n\(text)")
        let parsed = try parse(text)
        #expect(parsed.is_multistage, "\(text)")
        #expect(parsed.parent_images.count >= 2)
        for image in parsed.parent_images {
            let tag = image.split(separator: "/").last.flatMap { $0.split(separator: ":").dropFirst().first }
            #expect(tag != nil && tag != "latest", "unpinned \(image)")
        }
        // The last stage's USER: numeric uid:gid, not root.
        let lastStage = parsed.structure.split { $0.instruction == "FROM" }.last ?? []
        let user = try #require(lastStage.last { $0.instruction == "USER" }?.value)
        let uid = try #require(Int(user.split(separator: ":").first ?? ""), "USER \(user) is not numeric")
        #expect(uid != 0)
        #expect(lastStage.contains { $0.instruction == "EXPOSE" && $0.value == String(port) })
        #expect(lastStage.contains { $0.instruction == "ENV" && $0.value.split(separator: " ").contains("PORT=\(port)") })
        let cmd = try #require(lastStage.last { $0.instruction == "CMD" }?.value)
        let words = try JSONDecoder().decode([String].self, from: Data(cmd.utf8))
        #expect(!words.isEmpty, "CMD \(cmd) is not exec form")
        // Every RUN is exec form too.
        for run in parsed.values("RUN") { #expect((try? JSONDecoder().decode([String].self, from: Data(run.utf8))) != nil, "RUN \(run)") }
        return parsed
    }

    static func analysis(_ files: [String: String]) throws -> SourceAnalysis {
        let repository = try SampleRepository(files)
        defer { repository.remove() }
        return try SourceAnalyzer.analyze(directory: repository.directory, preferDockerfile: false)
    }

    @Test(.enabled(if: parserInstalled, "needs PyPI dockerfile-parse"))
    func node() throws {
        let parsed = try Self.check(try Self.analysis(Samples.nodeExpress), port: 4000)
        #expect(parsed.parent_images == ["node:20-bookworm-slim", "node:20-bookworm-slim"])
        #expect(parsed.values("RUN") == [#"["sh","-c","rm -rf .git"]"#, #"["sh","-c","npm ci"]"#, #"["sh","-c","npm run build"]"#])
        #expect(parsed.values("CMD") == [#"["npm","start"]"#])
        #expect(parsed.values("USER") == ["1000:1000"])
    }

    @Test(.enabled(if: parserInstalled, "needs PyPI dockerfile-parse"))
    func python() throws {
        let parsed = try Self.check(try Self.analysis(Samples.pythonFlask), port: 8000)
        #expect(parsed.parent_images == ["python:3.11-slim", "python:3.11-slim"])
        #expect(parsed.values("CMD") == [#"["sh","-c","exec gunicorn --bind 0.0.0.0:${PORT:-8000} app:app"]"#])
        try Self.check(try Self.analysis(Samples.pythonFastAPI), port: 8000)
    }

    @Test(.enabled(if: parserInstalled, "needs PyPI dockerfile-parse"))
    func go() throws {
        let parsed = try Self.check(try Self.analysis(Samples.go), port: 9090)
        #expect(parsed.parent_images == ["golang:1.22", "gcr.io/distroless/static-debian12:nonroot"])
        #expect(parsed.values("RUN").contains(#"["sh","-c","CGO_ENABLED=0 go build -o /out/app ."]"#))
        #expect(parsed.values("CMD") == [#"["/app"]"#])
        #expect(parsed.values("USER") == ["65532:65532"])
    }

    @Test(.enabled(if: parserInstalled, "needs PyPI dockerfile-parse"))
    func staticSite() throws {
        let analysis = try Self.analysis(Samples.staticSite)
        let parsed = try Self.check(analysis, port: 8080)
        #expect(parsed.structure.contains { $0.instruction == "COPY" && $0.value.contains("/app/public/ /usr/share/nginx/html/") })
        #expect(parsed.values("RUN").contains { $0.contains("rm -rf /app/.git") })
        // Another port rewrites nginx's listen directive.
        let moved = try Self.check(analysis, port: 9000)
        #expect(moved.values("RUN").contains { $0.contains("9000") })
    }

    @Test(.enabled(if: parserInstalled, "needs PyPI dockerfile-parse"))
    func overridesReplaceDetectionAndCannotAddInstructions() throws {
        let overrides = BuildOverrides(
            installCommand: "pip install -r requirements/prod.txt", buildCommand: "python manage.py collectstatic --noinput\nUSER 0",
            startCommand: "python serve.py", version: "3.13\nRUN rm -rf /")
        let parsed = try Self.check(try Self.analysis(Samples.pythonFlask), port: 8000, overrides: overrides)
        #expect(parsed.values("RUN").contains(#"["sh","-c","pip install -r requirements/prod.txt"]"#))
        #expect(parsed.values("CMD") == [#"["python","serve.py"]"#])
        // The newline stayed inside the JSON string; the unsafe version fell back to the default.
        #expect(parsed.values("USER") == ["10001:10001"])
        #expect(parsed.parent_images == ["python:3.12-slim", "python:3.12-slim"])
        #expect(!parsed.values("RUN").contains("rm -rf /"))
    }

    @Test func aRepositoryDockerfileIsNeverRendered() {
        let text = DockerfileRenderer.render(analysis: SourceAnalysis(language: .dockerfile, dockerfile: "Dockerfile"), port: 5000)
        #expect(text.contains("exit 1") && text.contains("its own Dockerfile"))
    }
}
