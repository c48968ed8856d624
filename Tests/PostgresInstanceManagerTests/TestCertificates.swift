import Foundation

/// Certificates made with the `openssl` CLI for one PostgresInstance `pg` in namespace `ns`,
/// written where the manager reads its Secrets (`SECRETS/server`, `replication`, `pooler`) with
/// the passwords (`SECRETS/app/password`, `SECRETS/pooler/password`):
///
/// - a CA (`ca.crt`, also `SECRETS/*/ca.crt`);
/// - a server certificate with the Service names as SANs (`pg-rw`, `pg-rw.ns`, `pg-rw.ns.svc`,
///   `pg-ro.ns.svc`, `pg-pooler.ns.svc`, ...);
/// - a client certificate with CN `streaming_replica`.
enum TestCertificates {
    static let ownerPassword = "o'wner \\pass"
    static let poolerPassword = "pooler-pass"

    static func write(into secrets: String, workDirectory: String) async throws {
        let fm = FileManager.default
        for sub in ["server", "replication", "app", "pooler"] {
            try fm.createDirectory(atPath: secrets + "/" + sub, withIntermediateDirectories: true)
        }
        let w = workDirectory
        func openssl(_ arguments: [String]) async throws {
            let r = await PostgresTestEnvironment.run(PostgresTestEnvironment.openssl, arguments)
            guard r.status == 0 else { throw TestFailure("openssl \(arguments.first ?? ""): \(r.standardError)") }
        }
        try await openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", w + "/ca.key", "-out", w + "/ca.crt", "-days",
            "2",
            "-subj", "/CN=pg-ca",
        ])
        var names: [String] = []
        for service in ["pg-rw", "pg-ro", "pg-r", "pg-headless", "pg-pooler"] {
            names += [service, "\(service).ns", "\(service).ns.svc", "\(service).ns.svc.cluster.local"]
        }
        names.append("*.pg-headless.ns.svc")
        try "subjectAltName=\(names.map { "DNS:\($0)" }.joined(separator: ","))\n"
            .write(toFile: w + "/server.ext", atomically: true, encoding: .utf8)
        for (name, subject, ext) in [
            ("server", "/CN=pg-rw", Optional(w + "/server.ext")), ("replication", "/CN=streaming_replica", nil),
        ] {
            try await openssl([
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(secrets)/\(name)/tls.key", "-out",
                "\(w)/\(name).csr",
                "-subj", subject,
            ])
            try await openssl(
                [
                    "x509", "-req", "-in", "\(w)/\(name).csr", "-CA", w + "/ca.crt", "-CAkey", w + "/ca.key",
                    "-CAcreateserial", "-out", "\(secrets)/\(name)/tls.crt", "-days", "2",
                ] + (ext.map { ["-extfile", $0] } ?? []))
        }
        for sub in ["server", "replication", "pooler"] {
            try fm.copyItem(atPath: w + "/ca.crt", toPath: "\(secrets)/\(sub)/ca.crt")
        }
        // The pooler shows clients the same server certificate (pg-pooler.ns.svc is among its names).
        try fm.copyItem(atPath: secrets + "/server/tls.crt", toPath: secrets + "/pooler/tls.crt")
        try fm.copyItem(atPath: secrets + "/server/tls.key", toPath: secrets + "/pooler/tls.key")
        try Data(ownerPassword.utf8).write(to: URL(fileURLWithPath: secrets + "/app/password"))
        try Data("app".utf8).write(to: URL(fileURLWithPath: secrets + "/app/username"))
        try Data(poolerPassword.utf8).write(to: URL(fileURLWithPath: secrets + "/pooler/password"))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
