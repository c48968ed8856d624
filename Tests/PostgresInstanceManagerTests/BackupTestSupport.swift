import Foundation
import KubeCore
import PostgresInstanceManager

/// Instances, HTTP with bodies and WAL helpers for the archiving, backup and recovery tests.
enum BackupTestSupport {
    /// Bounds every wait of these tests (restores and recoveries run Python tools per WAL file):
    /// a count of 100 ms polls, so a hang ends the test instead of the run.
    static let hangGuardPolls = 3000

    /// A PostgresInstance `name` (primary `<name>-1`, at 127.0.0.1) with optional
    /// `status.archive` and `status.bootstrap`.
    static func instance(name: String = "pg", archive: JSONValue? = nil, bootstrap: JSONValue? = nil) -> JSONValue {
        var status: [String: JSONValue] = [
            "targetPrimary": .string("\(name)-1"),
            "instancesStatus": [["name": .string("\(name)-1"), "podIP": "127.0.0.1"]],
        ]
        if let archive { status["archive"] = archive }
        if let bootstrap { status["bootstrap"] = bootstrap }
        return [
            "apiVersion": "quartermaster.dev/v1alpha1", "kind": "PostgresInstance",
            "metadata": ["name": .string(name), "namespace": "ns"],
            "spec": ["instances": 1, "postgresVersion": 15, "pgHBA": ["hostssl app app 127.0.0.1/32 scram-sha-256"]],
            "status": .object(status),
        ]
    }

    /// `METHOD http://127.0.0.1:port/path` with a JSON body: status code and decoded body.
    static func request(_ method: String, port: Int, path: String, body: String? = nil) async -> (
        status: Int, json: JSONValue?
    ) {
        let marker = "\n--status:"
        var arguments = ["-s", "-X", method, "-w", marker + "%{http_code}"]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        let result = await PostgresTestEnvironment.run(
            PostgresTestEnvironment.curl, arguments + ["http://127.0.0.1:\(port)\(path)"])
        let output = result.standardOutput
        guard let range = output.range(of: marker, options: .backwards) else { return (0, nil) }
        let json = try? KubeJSON.decode(JSONValue.self, from: Data(output[..<range.lowerBound].utf8))
        return (Int(output[range.upperBound...]) ?? 0, json)
    }

    /// Writes some WAL, switches to a new segment, and returns the name of the one closed.
    static func switchWAL(_ layout: PostgresTestSite.InstanceLayout) async -> String {
        _ = await layout.sql("CREATE TABLE IF NOT EXISTS wal_pusher (x int); INSERT INTO wal_pusher VALUES (1)")
        return await layout.sql("SELECT pg_walfile_name(pg_switch_wal())")
    }

    /// Polls until `/status.archiving.lastArchivedWAL` is `segment` or later.
    static func waitArchived(_ layout: PostgresTestSite.InstanceLayout, _ segment: String) async -> Bool {
        await poll(attempts: hangGuardPolls) {
            guard let last = await layout.status()?["archiving"]?["lastArchivedWAL"]?.stringValue else { return false }
            return last >= segment
        }
    }
}
