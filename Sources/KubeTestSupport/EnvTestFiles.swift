import Foundation

/// Writes the key material, token file and kubeconfigs of one control plane into its directory.
enum EnvTestFiles {
    /// A random token: 32 lowercase hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Creates with the openssl CLI: the service-account key pair (`sa.key`, `sa.pub`), a client
    /// CA (`ca.key`, `ca.crt`) and an admin client certificate signed by it (`client.key`,
    /// `client.crt`, CN=cert-admin, O=system:masters).
    static func makeKeys(in dir: String) async throws(EnvTestError) {
        _ = try await CommandRunner.check("openssl", ["genrsa", "-out", "\(dir)/sa.key", "2048"])
        _ = try await CommandRunner.check(
            "openssl", ["rsa", "-in", "\(dir)/sa.key", "-pubout", "-out", "\(dir)/sa.pub"])
        _ = try await CommandRunner.check("openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=qm-envtest-client-ca",
            "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.crt",
        ])
        _ = try await CommandRunner.check("openssl", [
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=system:masters/CN=cert-admin",
            "-keyout", "\(dir)/client.key", "-out", "\(dir)/client.csr",
        ])
        _ = try await CommandRunner.check("openssl", [
            "x509", "-req", "-in", "\(dir)/client.csr", "-CA", "\(dir)/ca.crt", "-CAkey", "\(dir)/ca.key",
            "-CAcreateserial", "-days", "2", "-out", "\(dir)/client.crt",
        ])
    }

    /// `tokens.csv` for `--token-auth-file`: `token,user,uid[,"group1,group2"]`.
    static func tokenFile(_ tokens: [EnvTestUser: String]) -> String {
        EnvTestUser.allCases.compactMap { user -> String? in
            guard let token = tokens[user] else { return nil }
            var line = "\(token),\(user.userName),uid-\(user.userName)"
            if !user.groups.isEmpty { line += ",\"\(user.groups.joined(separator: ","))\"" }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// A kubeconfig with one cluster, one user and one (current) context.
    ///
    /// - Parameters:
    ///   - caPath: the file with the CA to trust; `nil` writes `insecure-skip-tls-verify: true`.
    ///   - userStanza: the `user:` mapping, e.g. `{token: "..."}`.
    static func kubeconfig(server: String, caPath: String?, userName: String, userStanza: String) -> String {
        let trust = caPath.map { "certificate-authority: \(yamlQuoted($0))" } ?? "insecure-skip-tls-verify: true"
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: envtest
              cluster: {server: \(yamlQuoted(server)), \(trust)}
            users:
            - name: \(yamlQuoted(userName))
              user: \(userStanza)
            contexts:
            - name: envtest
              context: {cluster: envtest, user: \(yamlQuoted(userName)), namespace: default}
            current-context: envtest

            """
    }

    /// A double-quoted YAML scalar.
    static func yamlQuoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Writes `text` to `path` readable only by the owner (it may hold a token).
    static func writePrivate(_ text: String, to path: String) throws(EnvTestError) {
        guard FileManager.default.createFile(
            atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw .system("cannot write \(path)") }
    }
}
