import Foundation

/// A Python HTTP server the unit tests start on a loopback port: `python3 -u` running a module
/// (`-m`) or a program (`-c`, or a script path), whose first line of output is returned by `start`.
///
/// The process ends with whichever comes first: `stop()`, `deinit`, or the end of the test
/// process. Python watches its stdin, a pipe only this object writes to, and exits when it
/// reaches end of file; so a server is never left running after the tests, even when a test
/// crashes or its owner is never deinitialised.
final class LoopbackPythonServer: @unchecked Sendable {
    /// What Python runs.
    enum Program {
        /// `python3 -m module arguments...`
        case module(String)
        /// `python3 -c source arguments...`
        case source(String)
        /// `python3 path arguments...`
        case script(String)
    }

    /// The first line the server printed, without its newline.
    let firstLine: String
    private let process: Process
    private let stdin: Pipe

    /// Starts `program` with `arguments` and waits for its first line of output.
    ///
    /// - Throws: when Python cannot be started; a server that exits before printing a line gives
    ///   an empty `firstLine` (the caller's parse of it fails).
    init(_ program: Program, arguments: [String] = []) async throws {
        // Run the program as __main__ after a daemon thread that exits at end of stdin.
        let runner: String
        let target: String
        switch program {
        case .module(let name): (runner, target) = ("runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)", name)
        case .source(let source): (runner, target) = ("exec(compile(sys.argv[0], '<server>', 'exec'), {'__name__': '__main__'})", source)
        case .script(let path): (runner, target) = ("runpy.run_path(sys.argv[0], run_name='__main__')", path)
        }
        let bootstrap = """
            import os, runpy, sys, threading
            def watch():
                while sys.stdin.buffer.read(4096):
                    pass
                os._exit(0)
            threading.Thread(target=watch, daemon=True).start()
            sys.argv = sys.argv[1:]
            \(runner)
            """
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", bootstrap, target] + arguments
        stdin = Pipe()
        let output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let text = await withCheckedContinuation { (c: CheckedContinuation<String, Never>) in
            Thread {
                var text = ""
                while !text.contains("\n") {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                c.resume(returning: text)
            }.start()
        }
        firstLine = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }

    /// Ends the server (idempotent).
    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    deinit { stop() }
}
