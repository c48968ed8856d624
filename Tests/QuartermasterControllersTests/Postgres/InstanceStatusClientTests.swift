import Foundation
import KubeClient
import Testing

@testable import QuartermasterControllers

/// `python3 -m http.server` over a directory, on a free loopback port: a real HTTP server for
/// the production status client.
final class StaticFileHTTPServer: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let server: LoopbackPythonServer

    init(files: [String: Data]) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgstatus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: directory.appendingPathComponent(name)) }
        server = try await LoopbackPythonServer(
            .module("http.server"), arguments: ["--bind", "127.0.0.1", "--directory", directory.path, "0"])
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let words = server.firstLine.split(separator: " ")
        guard let i = words.firstIndex(of: "port"), i + 1 < words.count, let port = Int(words[i + 1]) else {
            server.stop()
            throw InstanceStatusError.undecodable
        }
        self.port = port
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite struct InstanceStatusClientTests {
    static let contractJSON = """
        {"pod":"pg-1","role":"primary","ready":true,"timeline":1,
         "lsn":"0/3000148","receivedLsn":null,"replayLsn":null,"replicationLagBytes":0,
         "pendingRestart":false,"pendingRestartParameters":[],"postgresVersion":16,
         "streaming":false,"replicas":[{"applicationName":"pg-2","state":"streaming","replayLsn":"0/3000148"}],
         "somethingNewer":{"x":1}}
        """

    @Test func decodesTheContractsJSONLeniently() throws {
        let r = try JSONDecoder().decode(InstanceReport.self, from: Data(Self.contractJSON.utf8))
        #expect(r == InstanceReport(
            pod: "pg-1", role: "primary", ready: true, timeline: 1, lsn: "0/3000148", replicationLagBytes: 0,
            postgresVersion: 16, replicas: [.init(applicationName: "pg-2", state: "streaming", replayLsn: "0/3000148")]))
        #expect(r.podRole == .primary)
        let sparse = try JSONDecoder().decode(InstanceReport.self, from: Data(#"{"role":"starting"}"#.utf8))
        #expect(sparse.podRole == nil)
        #expect(!sparse.ready)
        #expect(sparse.replicas.isEmpty)
    }

    @Test(arguments: [
        ("10.1.2.3", "http://10.1.2.3:8000/status"),
        ("fd00::1", "http://[fd00::1]:8000/status"),
        ("10.1.2.3/../x", nil),
        ("evil.example:80/x?", nil),
        ("", nil),
    ] as [(String, String?)])
    func urlOnlyForIPLiterals(podIP: String, url: String?) {
        #expect(InstanceStatusEndpoint.url(podIP: podIP) == url)
    }

    @Test func readsAReportOverHTTP() async throws {
        let server = try await StaticFileHTTPServer(files: ["status": Data(Self.contractJSON.utf8)])
        let client = HTTPInstanceStatusClient(timeout: .seconds(10), port: server.port)
        let report = try await client.report(podIP: "127.0.0.1")
        #expect(report.pod == "pg-1")
        #expect(report.replicas.map(\.applicationName) == ["pg-2"])
    }

    @Test func refusesABodyOver64KiBAndA404() async throws {
        let big = Data(("{\"pod\":\"" + String(repeating: "x", count: 70_000) + "\"}").utf8)
        let server = try await StaticFileHTTPServer(files: ["status": big])
        var client = HTTPInstanceStatusClient(timeout: .seconds(10), port: server.port)
        await #expect(throws: TransportError.bodyTooLarge(limit: 64 << 10)) { try await client.report(podIP: "127.0.0.1") }
        let empty = try await StaticFileHTTPServer(files: ["other": Data()])
        client.port = empty.port
        await #expect(throws: InstanceStatusError.status(404)) { try await client.report(podIP: "127.0.0.1") }
        await #expect(throws: InstanceStatusError.invalidPodIP) { try await client.report(podIP: "localhost") }
    }
}
