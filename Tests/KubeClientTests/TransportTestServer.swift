import Foundation

/// A small HTTP/1.1 server on loopback for transport tests: Python's `http.server` in a
/// subprocess, on a free port it reports on stdout. It exits on `stop()`, or by itself when the
/// test process is gone.
///
/// Endpoints: `/echo` (method, path, headers, body as JSON), `/bytes?n=&chunked=`,
/// `/slow?ms=` (answer after a delay), `/lines` (chunked lines cut mid-line, `\n` and `\r\n`),
/// `/stall` (one line, then silence), `/forever?id=` (a line every 20 ms until the client
/// goes away), `/closed?id=` (whether `/forever?id=` saw its client go), `/status?code=`.
final class TransportTestServer: @unchecked Sendable {
    let port: Int
    private let process: Process

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server and reads its port. The blocking read runs on its own thread: on a
    /// loaded machine Python may take seconds to start, and a blocked cooperative thread would
    /// stall every other test in the process meanwhile.
    init() async throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", Self.script]
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice  // tracebacks of clients that hung up
        try process.run()
        let reader = output.fileHandleForReading
        let text = try await withCheckedThrowingContinuation { (c: CheckedContinuation<String, any Error>) in
            Thread {
                var text = ""
                while !text.contains("\n") {
                    let chunk = reader.availableData
                    guard !chunk.isEmpty else { return c.resume(throwing: TestServerError.noPort(text)) }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                c.resume(returning: text)
            }.start()
        }
        guard let port = Int(text.split(separator: "\n")[0].trimmingCharacters(in: .whitespaces)) else {
            throw TestServerError.noPort(text)
        }
        self.port = port
    }

    /// Terminates the server without waiting for it to exit (a test's thread is never blocked).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
    }

    /// Terminates the server and waits until it has exited, without blocking a thread. (Polls
    /// instead of `waitUntilExit`, which can hang when called off the main thread on Linux.)
    func stopAndWait() async {
        stop()
        for _ in 0..<12_000 where process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }

    deinit { stop() }

    enum TestServerError: Error { case noPort(String) }

    private static let script = #"""
        import json, os, signal, sys, threading, time
        # The spawning thread may have had these blocked; the server must die on SIGTERM.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlparse, parse_qs

        closed = {}
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass

            def send_json(self, code, obj):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Test-Header", "Mixed")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def start_chunked(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()

            def chunk(self, data):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def end_chunks(self):
                self.wfile.write(b"0\r\n\r\n")

            def handle_any(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length", "0") or "0")
                body = self.rfile.read(length) if length else b""
                p = url.path
                if p == "/echo":
                    self.send_json(200, {"method": self.command, "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body.decode()})
                elif p == "/bytes":
                    n = int(q.get("n", "0"))
                    if q.get("chunked") == "1":
                        self.start_chunked()
                        sent = 0
                        while sent < n:
                            part = min(1000, n - sent)
                            self.chunk(b"a" * part)
                            sent += part
                        self.end_chunks()
                    else:
                        self.send_response(200)
                        self.send_header("Content-Length", str(n))
                        self.end_headers()
                        self.wfile.write(b"a" * n)
                elif p == "/slow":
                    time.sleep(int(q.get("ms", "1000")) / 1000)
                    self.send_json(200, {"slow": True})
                elif p == "/lines":
                    self.start_chunked()
                    for piece in [b'{"n":1}\n{"n"', b':2}\r', b'\n{"n":3}\n{"', b'n":4}']:
                        self.chunk(piece)
                        time.sleep(0.05)
                    self.end_chunks()
                elif p == "/stall":
                    self.start_chunked()
                    self.chunk(b"first\n")
                    time.sleep(60)
                elif p == "/forever":
                    self.start_chunked()
                    try:
                        i = 0
                        while True:
                            self.chunk(b'{"i":%d}\n' % i)
                            i += 1
                            time.sleep(0.02)
                    except Exception:
                        with lock:
                            closed[q.get("id", "")] = True
                elif p == "/closed":
                    with lock:
                        c = closed.get(q.get("id", ""), False)
                    self.send_json(200, {"closed": c})
                elif p == "/status":
                    self.send_json(int(q.get("code", "200")), {"status": int(q.get("code", "200"))})
                else:
                    self.send_json(404, {"error": "not found"})

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        def watch_parent():
            parent = os.getppid()
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)

        ThreadingHTTPServer.request_queue_size = 128  # many concurrent connects in one test
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=watch_parent, daemon=True).start()
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
