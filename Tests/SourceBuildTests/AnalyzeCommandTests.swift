import Foundation
import SourceBuild
import Testing

/// The built `quartermaster analyze` (`.build/debug/quartermaster`, made by
/// `swift build --build-tests`) run as the source Jobs run it, on `file://` repositories.
@Suite struct AnalyzeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/quartermaster").path
    static var built: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var terminationLog: String
        var workdir: URL
    }

    /// Runs `quartermaster analyze <arguments>` with its own workdir, termination log and an
    /// empty credentials directory.
    static func analyze(_ arguments: [String]) throws -> Run {
        let workdir = try temporaryWorkdir()
        let log = workdir.appendingPathComponent("termination-log").path
        let credentials = workdir.appendingPathComponent("no-credentials").path
        // TMPDIR names nothing: the command must write only under its workdir (a Job's root
        // filesystem may be read-only).
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TMPDIR": "/nonexistent-tmp"]
        let result = try SampleRepository.runCapturing(
            [binary, "analyze"] + arguments + ["--workdir", workdir.path, "--termination-log", log, "--credentials-dir", credentials],
            environment: environment)
        let written = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr, terminationLog: written, workdir: workdir)
    }

    /// A Node repository on `main`, an annotated tag `v1.0.0` on its first commit, a branch
    /// `python` holding the Flask sample, and a later commit on `main`.
    struct Fixture {
        var repository: SampleRepository
        var first: String
        var pythonCommit: String
        var head: String

        init() throws {
            repository = try SampleRepository(Samples.nodeExpress)
            first = try repository.git("rev-parse", "HEAD")
            try repository.git("tag", "-a", "v1.0.0", "-m", "first release")
            try repository.git("checkout", "--quiet", "-b", "python")
            for path in Samples.nodeExpress.keys { try repository.git("rm", "--quiet", "-r", "--cached", path) }
            try repository.git("clean", "-fdq")
            pythonCommit = try repository.commit(Samples.pythonFlask, message: "python")
            try repository.git("checkout", "--quiet", "main")
            head = try repository.commit(["lib/extra.js": "module.exports = process.env.EXTRA_FLAG;\n"], message: "more")
        }
    }

    @Test(.enabled(if: built, "build the package first: swift build --build-tests"))
    func analyseABranchATagACommitAndTheDefaultBranch() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        let url = fixture.repository.url
        let cases: [([String], String, SourceLanguage, Bool)] = [
            ([], fixture.head, .node, true),
            (["--branch", "python"], fixture.pythonCommit, .python, false),
            (["--tag", "v1.0.0"], fixture.first, .node, false),
            (["--commit", fixture.first], fixture.first, .node, false),
        ]
        for (ref, commit, language, extra) in cases {
            let run = try Self.analyze(["--repository", url, "--allow-file-url"] + ref)
            defer { try? FileManager.default.removeItem(at: run.workdir) }
            #expect(run.status == 0, "\(ref): \(run.stderr)")
            let report = try SourceReport.decode(run.stdout)
            #expect(report.commit == commit, "\(ref)")
            #expect(report.analysis?.language == language, "\(ref)")
            #expect(report.analysis?.env.contains("EXTRA_FLAG") == extra, "\(ref)")
            // The termination log holds the same compact report.
            #expect(try SourceReport.decode(run.terminationLog) == report)
            #expect(run.terminationLog.utf8.count <= SourceReport.maxBytes)
            #expect(FileManager.default.fileExists(atPath: run.workdir.path + "/src/package.json") == (language == .node))
        }
    }

    @Test(.enabled(if: built, "build the package first: swift build --build-tests"))
    func resolveOnlyAsksTheRemoteWithoutCloning() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        for (ref, commit) in [([], fixture.head), (["--branch", "python"], fixture.pythonCommit), (["--tag", "v1.0.0"], fixture.first)] {
            let run = try Self.analyze(["--repository", fixture.repository.url, "--allow-file-url", "--resolve-only"] + ref)
            defer { try? FileManager.default.removeItem(at: run.workdir) }
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try SourceReport.decode(run.stdout) == SourceReport(commit: commit), "\(ref)")
            #expect(try SourceReport.decode(run.terminationLog) == SourceReport(commit: commit))
            #expect(!FileManager.default.fileExists(atPath: run.workdir.path + "/src"))
        }
        let missing = try Self.analyze(["--repository", fixture.repository.url, "--allow-file-url", "--resolve-only", "--branch", "nope"])
        defer { try? FileManager.default.removeItem(at: missing.workdir) }
        #expect(missing.status != 0)
        #expect(missing.terminationLog.contains("branch nope"))
    }

    @Test(.enabled(if: built, "build the package first: swift build --build-tests"))
    func checkoutOnlyLeavesTheCommitInSrc() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        let run = try Self.analyze([
            "--repository", fixture.repository.url, "--allow-file-url", "--checkout-only", "--commit", fixture.pythonCommit,
        ])
        defer { try? FileManager.default.removeItem(at: run.workdir) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try SourceReport.decode(run.stdout) == SourceReport(commit: fixture.pythonCommit))
        #expect(FileManager.default.fileExists(atPath: run.workdir.path + "/src/app.py"))
        #expect(try SampleRepository.run(["git", "rev-parse", "HEAD"], in: run.workdir.appendingPathComponent("src")) == fixture.pythonCommit)
    }

    @Test(.enabled(if: built, "build the package first: swift build --build-tests"))
    func refusalsExitNonZeroWithOneLineAndNoCredentials() throws {
        let fixture = try Fixture()
        defer { fixture.repository.remove() }
        let cases: [([String], String)] = [
            (["--repository", fixture.repository.url], "--allow-file-url"),
            (["--repository", fixture.repository.directory.path], "--allow-file-url"),
            (["--repository", "http://alice:hunter2@git.example.com/acme/web.git", "--allow-file-url"], "is not https://"),
            (["--repository", "https://alice:hunter2@git.example.com/acme/web.git"], "carries a password"),
            (["--repository", "git://git.example.com/acme/web.git"], "is not https://"),
            (["--repository", fixture.repository.url, "--allow-file-url", "--sub-path", "../etc"], "sub-path"),
            (["--repository", fixture.repository.url, "--allow-file-url", "--sub-path", "missing"], "sub-path"),
            (["--repository", fixture.repository.url, "--allow-file-url", "--commit", String(repeating: "0", count: 40)], "git fetch"),
        ]
        for (arguments, reason) in cases {
            let run = try Self.analyze(arguments)
            defer { try? FileManager.default.removeItem(at: run.workdir) }
            #expect(run.status != 0, "\(arguments)")
            #expect(run.stdout.isEmpty)
            let line = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!line.contains("\n") && line.contains(reason), "\(arguments): \(line)")
            #expect(run.terminationLog == line)
            #expect(!line.contains("hunter2") && !line.contains("alice"))
        }
    }

    @Test(.enabled(if: built, "build the package first: swift build --build-tests"))
    func aRepositoryDockerfileWinsUnlessIgnored() throws {
        var files = Samples.dockerfile
        files["deploy/web.Dockerfile"] = "FROM nginx:1.27\nEXPOSE 8081\n"
        let repository = try SampleRepository(files)
        defer { repository.remove() }
        let common = ["--repository", repository.url, "--allow-file-url"]
        for (extra, language, port) in [
            ([], SourceLanguage.dockerfile, 5000), (["--dockerfile-path", "deploy/web.Dockerfile"], .dockerfile, 8081),
            (["--ignore-dockerfile"], .python, 8000),
        ] {
            let run = try Self.analyze(common + extra)
            defer { try? FileManager.default.removeItem(at: run.workdir) }
            #expect(run.status == 0, "\(run.stderr)")
            let analysis = try #require(try SourceReport.decode(run.stdout).analysis)
            #expect(analysis.language == language && analysis.port == port, "\(extra)")
        }
    }

    @Test(.enabled(if: built, "build the package first: swift build --build-tests"))
    func theTerminationLogStaysWithinFourKibibytes() throws {
        var code = ""
        for index in 0..<600 { code += "const v\(index) = process.env.A_RATHER_LONG_ENVIRONMENT_VARIABLE_NAME_\(index);\n" }
        let repository = try SampleRepository(["package.json": #"{"scripts":{"start":"node index.js"}}"#, "index.js": code])
        defer { repository.remove() }
        let run = try Self.analyze(["--repository", repository.url, "--allow-file-url"])
        defer { try? FileManager.default.removeItem(at: run.workdir) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.terminationLog.utf8.count <= SourceReport.maxBytes)
        let report = try SourceReport.decode(run.terminationLog)
        #expect(report.analysis?.env.count == SourceAnalysis.maxEnvNames)
    }
}
