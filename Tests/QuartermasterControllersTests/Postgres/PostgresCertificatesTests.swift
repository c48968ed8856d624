import Foundation
import KubeTestSupport
import KubeRuntime
import Testing

@testable import QuartermasterControllers

@Suite struct PostgresCertificatesTests {
    let names = PostgresInstanceNames(instance: "pg")
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Runs `openssl` with `arguments` in a fresh directory holding `files`; its status and output.
    func openssl(_ arguments: [String], files: [String: String]) async throws -> (status: Int32, output: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgcert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, content) in files { try content.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl"] + arguments
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        await p.exited()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func serverNamesAreTheContractsServicesInEveryForm() {
        let dns = PostgresCertificates.serverDNSNames(names: names, namespace: "ns")
        for service in ["pg-rw", "pg-ro", "pg-r", "pg-headless"] {
            for name in [service, "\(service).ns", "\(service).ns.svc", "\(service).ns.svc.cluster.local"] {
                #expect(dns.contains(name), "\(name)")
            }
        }
        #expect(dns.last == "*.pg-headless.ns.svc")
        #expect(dns.count == 17)
        #expect(PostgresCertificates.poolerDNSNames(names: names, namespace: "ns", clusterDomain: "example.org") == [
            "pg-pooler", "pg-pooler.ns", "pg-pooler.ns.svc", "pg-pooler.ns.svc.example.org",
        ])
    }

    @Test(arguments: [
        (kind: "server", commonName: "pg-rw", purpose: "sslserver"),
        (kind: "client", commonName: "streaming_replica", purpose: "sslclient"),
        (kind: "pooler", commonName: "pg-pooler", purpose: "sslserver"),
    ])
    func leafParsesBackSignedByTheCA(kind: String, commonName: String, purpose: String) async throws {
        let ca = try PostgresCertificates.authority(instance: "pg", namespace: "ns", now: now)
        let leaf: PostgresCertificate
        var expectedSANs: Set<String> = []
        switch kind {
        case "server":
            expectedSANs = Set(PostgresCertificates.serverDNSNames(names: names, namespace: "ns"))
            leaf = try PostgresCertificates.server(authority: ca, dnsNames: Array(expectedSANs).sorted { a, b in
                a == "pg-rw" || (b != "pg-rw" && a < b)
            }, now: now)
        case "pooler":
            expectedSANs = Set(PostgresCertificates.poolerDNSNames(names: names, namespace: "ns"))
            leaf = try PostgresCertificates.server(
                authority: ca, dnsNames: PostgresCertificates.poolerDNSNames(names: names, namespace: "ns"), now: now)
        default:
            leaf = try PostgresCertificates.client(authority: ca, commonName: PostgresInstanceNames.replicationUser, now: now)
        }
        #expect(WebhookCertificateIssuer.isSigned(leaf.certificatePEM, by: ca.certificatePEM))
        #expect(WebhookCertificateIssuer.keyMatches(ServingCertificate(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)))
        let facts = try WebhookCertificateIssuer.facts(of: leaf.certificatePEM)
        #expect(facts.dnsNames == expectedSANs)
        #expect(facts.notBefore == now.addingTimeInterval(-300))
        #expect(facts.notAfter == now.addingTimeInterval(PostgresCertificates.validity))
        #expect(leaf.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))

        let subject = try await openssl(["x509", "-in", "leaf.pem", "-noout", "-subject", "-issuer"], files: ["leaf.pem": leaf.certificatePEM])
        #expect(subject.status == 0, "\(subject.output)")
        #expect(subject.output.contains("CN = \(commonName)") || subject.output.contains("CN=\(commonName)"), "\(subject.output)")
        #expect(subject.output.contains("ns/pg PostgreSQL CA"), "\(subject.output)")
        // openssl checks the chain, the validity at the given time and the extended key usage.
        let verify = try await openssl(
            ["verify", "-attime", "\(Int(now.timeIntervalSince1970) + 60)", "-purpose", purpose, "-CAfile", "ca.pem", "leaf.pem"],
            files: ["ca.pem": ca.certificatePEM, "leaf.pem": leaf.certificatePEM])
        #expect(verify.status == 0, "\(verify.output)")
        let wrongPurpose = try await openssl(
            ["verify", "-attime", "\(Int(now.timeIntervalSince1970) + 60)", "-purpose", purpose == "sslserver" ? "sslclient" : "sslserver",
             "-CAfile", "ca.pem", "leaf.pem"],
            files: ["ca.pem": ca.certificatePEM, "leaf.pem": leaf.certificatePEM])
        #expect(wrongPurpose.status != 0)
    }

    @Test func authorityIsACAAndKeyMatches() async throws {
        let ca = try PostgresCertificates.authority(instance: "pg", namespace: "ns", now: now)
        #expect(WebhookCertificateIssuer.keyMatches(ServingCertificate(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM)))
        #expect(WebhookCertificateIssuer.isSigned(ca.certificatePEM, by: ca.certificatePEM))
        let text = try await openssl(["x509", "-in", "ca.pem", "-noout", "-text"], files: ["ca.pem": ca.certificatePEM])
        #expect(text.output.contains("CA:TRUE"), "\(text.output)")
        #expect(text.output.contains("prime256v1") || text.output.contains("P-256"), "\(text.output)")
    }

    @Test func aLeafOfAnotherCADoesNotVerify() async throws {
        let ca = try PostgresCertificates.authority(instance: "pg", namespace: "ns", now: now)
        let other = try PostgresCertificates.authority(instance: "pg", namespace: "ns", now: now)
        let leaf = try PostgresCertificates.client(authority: other, commonName: "streaming_replica", now: now)
        #expect(!WebhookCertificateIssuer.isSigned(leaf.certificatePEM, by: ca.certificatePEM))
    }
}
