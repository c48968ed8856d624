import Foundation
import SourceBuild
import Testing

/// The detected start commands of the Python samples really serve: each is run with `sh -c`
/// in the checkout on a free loopback port (`PORT`), and probed over HTTP until it answers.
/// Needs PyPI flask, fastapi, uvicorn and gunicorn (`.ci/run` installs them).
@Suite(.serialized) struct PythonStartCommandTests {
    /// Bounds the wait for a server that never answers (a hang), not how fast it starts.
    static let hangGuard = Duration.seconds(90)
    static let pollInterval = Duration.milliseconds(250)

    static var serversInstalled: Bool {
        (try? SampleRepository.run(["python3", "-c", "import flask, fastapi, uvicorn, gunicorn"])) != nil
    }

    /// A port nothing listens on now (the kernel's choice for an ephemeral bind).
    static func freePort() throws -> Int {
        let text = try SampleRepository.run([
            "python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()",
        ])
        return try #require(Int(text))
    }

    /// Clones the sample, runs its detected start command, and returns the body the server
    /// answered at `/` on the port given in `PORT`.
    static func serve(_ files: [String: String]) async throws -> (analysis: SourceAnalysis, body: String) {
        let repository = try SampleRepository(files)
        defer { repository.remove() }
        let workdir = try temporaryWorkdir()
        defer { try? FileManager.default.removeItem(at: workdir) }
        let job = SourceJob(.init(repository: repository.url, workdir: workdir, allowFileURL: true))
        let analysis = try #require(try job.run().analysis)
        let start = try #require(analysis.startCommand)
        let port = try freePort()

        let log = workdir.appendingPathComponent("server.log")
        try Data().write(to: log)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }
        let server = Process()
        // The test process's threads block most signals and a child inherits that mask: a small
        // python wrapper clears it before exec'ing the command, so SIGTERM stops the server.
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                + "signal.signal(signal.SIGTERM, signal.SIG_DFL); signal.signal(signal.SIGINT, signal.SIG_DFL); "
                + "os.execvp('sh', ['sh', '-c', 'exec ' + sys.argv[1]])",
            start,
        ]
        server.currentDirectoryURL = job.checkoutDirectory
        var environment = ProcessInfo.processInfo.environment
        environment["PORT"] = String(port)
        // A sample's `.python-version` must not switch pyenv (where one manages python) away
        // from the interpreter that has the servers installed.
        environment["PYENV_VERSION"] = try SampleRepository.run(["python3", "-c", "import platform; print(platform.python_version())"])
        server.environment = environment
        server.standardOutput = logHandle
        server.standardError = logHandle
        server.standardInput = FileHandle.nullDevice
        try server.run()
        defer {
            if server.isRunning {
                server.terminate()
                server.waitUntilExit()
            }
        }
        let attempts = Int(hangGuard / pollInterval)
        for _ in 0..<attempts {
            guard server.isRunning else { break }
            let probe = try SampleRepository.runCapturing(["curl", "-s", "--max-time", "5", "http://127.0.0.1:\(port)/"])
            if probe.status == 0 { return (analysis, probe.stdout) }
            try await Task.sleep(for: pollInterval)
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        Issue.record("`\(start)` never answered on port \(port) (running: \(server.isRunning)); its output:\n\(output)")
        throw CancellationError()
    }

    @Test(.enabled(if: serversInstalled, "needs PyPI flask, fastapi, uvicorn, gunicorn"))
    func flaskUnderGunicorn() async throws {
        let (analysis, body) = try await Self.serve(Samples.pythonFlask)
        #expect(analysis.startCommand?.hasPrefix("gunicorn ") == true)
        #expect(body == "hello from flask")
    }

    @Test(.enabled(if: serversInstalled, "needs PyPI flask, fastapi, uvicorn, gunicorn"))
    func fastAPIUnderUvicorn() async throws {
        let (analysis, body) = try await Self.serve(Samples.pythonFastAPI)
        #expect(analysis.startCommand?.hasPrefix("uvicorn service.api:api ") == true)
        #expect(body.contains(#""ok":true"#))
    }

    @Test(.enabled(if: serversInstalled, "needs PyPI flask, fastapi, uvicorn, gunicorn"))
    func flaskWithoutGunicornUsesFlasksServer() async throws {
        var files = Samples.pythonFlask
        files["requirements.txt"] = "flask\n"
        let (analysis, body) = try await Self.serve(files)
        #expect(analysis.startCommand?.hasPrefix("flask --app app:app run") == true)
        #expect(body == "hello from flask")
    }
}
