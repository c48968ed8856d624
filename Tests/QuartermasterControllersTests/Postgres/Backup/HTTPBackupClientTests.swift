import Foundation
import KubeClient
import Testing

@testable import QuartermasterControllers

/// A real HTTP server (python3) answering the instance manager's backup routes as the contract
/// says, for the production client's POST and GET calls (libcurl).
final class BackupRoutesHTTPServer: @unchecked Sendable {
    let port: Int
    private let server: LoopbackPythonServer

    static let program = #"""
        import http.server, json, sys
        backups = {}
        retention = None
        class H(http.server.BaseHTTPRequestHandler):
            def reply(self, code, obj):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def do_POST(self):
                global retention
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                if self.headers.get("Content-Type") != "application/json":
                    return self.reply(415, {"error": "json only"})
                if self.path == "/backups":
                    name = data["name"]
                    if name == "busy":
                        return self.reply(409, {"error": "another backup is running"})
                    backups.setdefault(name, {"name": name, "phase": "running", "startedAt": "2026-12-03T10:00:00Z"})
                    return self.reply(202, backups[name])
                if self.path == "/retention":
                    retention = {"phase": "completed", "policy": data["policy"], "deletedBackupIDs": ["20261101T030000"]}
                    return self.reply(202, retention)
                self.reply(404, {"error": "no route"})
            def do_GET(self):
                if self.path == "/backups":
                    return self.reply(200, {"backups": [{"backupID": "20261203T100000", "name": "pg-1", "status": "DONE",
                        "beginTime": "2026-12-03T10:00:00Z"}], "firstRecoverabilityPoint": "2026-12-03T10:00:00Z"})
                if self.path.startswith("/backups/"):
                    name = self.path[len("/backups/"):]
                    if name in backups:
                        return self.reply(200, backups[name])
                    return self.reply(404, {"error": "unknown backup"})
                if self.path == "/retention":
                    return self.reply(200, retention) if retention else self.reply(404, {"error": "none"})
                self.reply(404, {"error": "no route"})
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        print("port", server.server_address[1], flush=True)
        server.serve_forever()
        """#

    init() async throws {
        server = try await LoopbackPythonServer(.source(Self.program))
        let words = server.firstLine.split(separator: " ")
        guard words.count >= 2, words[0] == "port", let port = Int(words[1]) else {
            server.stop()
            throw InstanceStatusError.undecodable
        }
        self.port = port
    }

    deinit { server.stop() }
}

@Suite struct HTTPBackupClientTests {
    @Test func theBackupRoutes() async throws {
        let server = try await BackupRoutesHTTPServer()
        let client = HTTPInstanceStatusClient(port: server.port)

        let started = try await client.startBackup(podIP: "127.0.0.1", name: "pg-20261203100000")
        #expect(started.name == "pg-20261203100000" && started.knownPhase == .running)
        #expect(try await client.backup(podIP: "127.0.0.1", name: "pg-20261203100000")?.startedAt == "2026-12-03T10:00:00Z")
        #expect(try await client.backup(podIP: "127.0.0.1", name: "pg-gone") == nil)
        await #expect(throws: InstanceStatusError.conflict("another backup is running")) {
            try await client.startBackup(podIP: "127.0.0.1", name: "busy")
        }
        await #expect(throws: InstanceStatusError.status(400)) {
            try await client.backup(podIP: "127.0.0.1", name: "../status")
        }

        let catalog = try await client.backupCatalog(podIP: "127.0.0.1")
        #expect(catalog.backupIDs == ["20261203T100000"])
        #expect(catalog.firstRecoverabilityPoint == "2026-12-03T10:00:00Z")

        #expect(try await client.retention(podIP: "127.0.0.1") == nil)
        try await client.startRetention(podIP: "127.0.0.1", policy: "RECOVERY WINDOW OF 30 DAYS")
        let retention = try #require(try await client.retention(podIP: "127.0.0.1"))
        #expect(retention.isFinished && retention.policy == "RECOVERY WINDOW OF 30 DAYS")
        #expect(retention.deletedBackupIDs == ["20261101T030000"])

        await #expect(throws: InstanceStatusError.invalidPodIP) {
            try await client.startBackup(podIP: "example.com", name: "x")
        }
    }
}
