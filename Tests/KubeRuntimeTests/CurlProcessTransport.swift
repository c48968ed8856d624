import Foundation
import KubeClient
import KubeCore
import Synchronization

/// A test-only transport that runs the `curl` program against `kubectl proxy` listening on a
/// Unix socket, so the real-API tests need no TLS, credentials or TCP port of their own.
///
/// Used only by `RealAPIServerTests`, which run when `QM_PROXY_SOCKET` names the socket.
final class CurlProcessTransport: HTTPTransport {
    let socket: String

    init(socket: String) { self.socket = socket }

    private func arguments(_ request: HTTPRequest, streaming: Bool) -> [String] {
        var args = ["-s", "-i", "--unix-socket", socket, "-X", request.method.rawValue]
        if streaming { args.append("-N") }
        for (name, value) in request.headers { args += ["-H", "\(name): \(value)"] }
        if request.headers["Accept"] == nil { args += ["-H", "Accept: application/json"] }
        if request.body != nil { args += ["--data-binary", "@-"] }
        args.append("http://localhost" + request.target)
        return args
    }

    private func launch(_ request: HTTPRequest, streaming: Bool) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments(request, streaming: streaming)
        let stdout = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        try process.run()
        if let body = request.body { stdin.fileHandleForWriting.write(body) }
        try stdin.fileHandleForWriting.close()
        return (process, stdout)
    }

    /// Splits `data` after the last HTTP head (skipping `100 Continue`); `nil` if incomplete.
    static func parseHead(_ data: Data) -> (status: Int, headers: [String: String], rest: Data)? {
        var data = data
        while true {
            guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { return nil }
            let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
            let rest = Data(data[end.upperBound...])
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
            if status == 100 {
                data = rest
                continue
            }
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            return (status, headers, rest)
        }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let (process, stdout) = try launch(request, streaming: false)
        let output = await Task.detached { stdout.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        guard let (status, headers, body) = Self.parseHead(output) else {
            throw TransportError.connection("curl exited \(process.terminationStatus) without a response")
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        let (process, stdout) = try launch(request, streaming: true)
        let (lines, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        struct Parse {
            var buffer = Data()
            var headDone = false
            var head: CheckedContinuation<(Int, [String: String]), any Error>?
        }
        let parse = Mutex(Parse())
        let headResult: (Int, [String: String]) = try await withCheckedThrowingContinuation { headContinuation in
            parse.withLock { $0.head = headContinuation }
            stdout.fileHandleForReading.readabilityHandler = { handle in
                let chunk = handle.availableData
                var output: [Data] = []
                var resumeHead: (CheckedContinuation<(Int, [String: String]), any Error>, (Int, [String: String]))?
                let eof = chunk.isEmpty
                parse.withLock { p in
                    p.buffer.append(chunk)
                    if !p.headDone, let (status, headers, rest) = Self.parseHead(p.buffer) {
                        p.headDone = true
                        p.buffer = rest
                        if let h = p.head { resumeHead = (h, (status, headers)) }
                        p.head = nil
                    }
                    guard p.headDone else { return }
                    while let nl = p.buffer.firstIndex(of: 0x0A) {
                        output.append(Data(p.buffer[p.buffer.startIndex..<nl]))
                        p.buffer = Data(p.buffer[(nl + 1)...])
                    }
                }
                if let (c, value) = resumeHead { c.resume(returning: value) }
                for line in output where !line.isEmpty { continuation.yield(line) }
                if eof {
                    handle.readabilityHandler = nil
                    let pending = parse.withLock { p -> CheckedContinuation<(Int, [String: String]), any Error>? in
                        defer { p.head = nil }
                        return p.head
                    }
                    pending?.resume(throwing: TransportError.connection("curl ended before a response"))
                    continuation.finish()
                }
            }
        }
        continuation.onTermination = { _ in if process.isRunning { process.terminate() } }
        return HTTPLineStream(status: headResult.0, headers: headResult.1, lines: lines)
    }
}
