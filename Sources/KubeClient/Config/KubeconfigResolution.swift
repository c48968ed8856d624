import Foundation
import KubeCore

extension MergedKubeconfig {
    /// The configuration for `context` (or `current-context` when `nil`): its cluster's
    /// server and TLS settings, its user's credentials, its namespace.
    ///
    /// - Cluster: `server` is required (a URL without a scheme gets `https://`; a trailing `/`
    ///   is dropped). `certificate-authority-data` wins over `certificate-authority`;
    ///   neither may be combined with `insecure-skip-tls-verify`. `proxy-url` is not supported
    ///   and fails.
    /// - User: `exec` gives an `ExecCredentialProvider`; otherwise `tokenFile` (wins over
    ///   `token`) a `TokenFileCredentialProvider`; otherwise `token` or `username`/`password`
    ///   `StaticCredentials`. A client certificate (`client-certificate(-data)` with
    ///   `client-key(-data)`, the `-data` form winning) goes into `tls.clientIdentity` and may
    ///   accompany any of them. A user with none of these, or with `auth-provider`, fails.
    ///   Referenced files are read now, so a missing one fails here.
    ///
    /// - Parameter environment: the environment exec plugins inherit.
    /// - Throws: `KubeconfigError`.
    public func clientConfiguration(
        context requested: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ClientConfiguration {
        guard let contextName = requested.flatMap({ $0.isEmpty ? nil : $0 }) ?? currentContext else {
            throw KubeconfigError(
                .currentContextNotSet, files: files, detail: "current-context is not set and --context was not given")
        }
        guard let context = contexts[contextName] else {
            let available = contexts.keys.sorted()
            throw KubeconfigError(
                .contextNotFound, files: files,
                detail: "context \"\(contextName)\" not found (available: "
                    + (available.isEmpty ? "none" : available.joined(separator: ", ")) + ")")
        }
        func contextError(_ kind: KubeconfigError.Kind, field: String, _ detail: String) -> KubeconfigError {
            KubeconfigError(kind, files: [context.file], context: contextName, field: field, detail: detail)
        }
        guard let clusterName = context.value.cluster, !clusterName.isEmpty else {
            throw contextError(.missingField, field: "cluster", "is missing")
        }
        guard let userName = context.value.user, !userName.isEmpty else {
            throw contextError(.missingField, field: "user", "is missing")
        }
        guard let cluster = clusters[clusterName] else {
            throw KubeconfigError(
                .clusterNotFound, files: files, context: contextName,
                detail: "cluster \"\(clusterName)\" not found (available: \(Self.list(clusters.keys)))")
        }
        guard let user = users[userName] else {
            throw KubeconfigError(
                .userNotFound, files: files, context: contextName,
                detail: "user \"\(userName)\" not found (available: \(Self.list(users.keys)))")
        }

        let clusterResolver = EntryResolver(file: cluster.file, context: contextName, entry: .cluster(clusterName))
        let server = try clusterResolver.server(cluster.value.server)
        var tls = try clusterResolver.tls(cluster.value)

        let userResolver = EntryResolver(file: user.file, context: contextName, entry: .user(userName))
        tls.clientIdentity = try userResolver.clientIdentity(user.value)
        let credentials = try userResolver.credentials(
            user.value, hasClientIdentity: tls.clientIdentity != nil, server: server, cluster: cluster.value,
            environment: environment)

        let namespace = context.value.namespace.flatMap { $0.isEmpty ? nil : $0 }
        return ClientConfiguration(
            server: server, tls: tls, credentials: credentials, namespace: namespace, contextName: contextName,
            source: files.joined(separator: ":"))
    }

    private static func list(_ names: Dictionary<String, some Any>.Keys) -> String {
        names.isEmpty ? "none" : names.sorted().joined(separator: ", ")
    }
}

/// Turns one cluster or user entry into settings, with errors naming the entry.
private struct EntryResolver {
    var file: String
    var context: String
    var entry: KubeconfigError.Entry

    func error(_ kind: KubeconfigError.Kind, field: String? = nil, _ detail: String) -> KubeconfigError {
        KubeconfigError(kind, files: [file], context: context, entry: entry, field: field, detail: detail)
    }

    // MARK: Cluster

    func server(_ value: String?) throws -> String {
        guard var server = value?.trimmingCharacters(in: .whitespaces), !server.isEmpty else {
            throw error(.missingField, field: "server", "is missing")
        }
        if !server.contains("://") { server = "https://" + server }
        while server.hasSuffix("/") { server.removeLast() }
        guard let url = URLComponents(string: server), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty
        else {
            throw error(.invalidField, field: "server", "is not an http or https URL with a host")
        }
        return server
    }

    func tls(_ cluster: KubeconfigCluster) throws -> TLSConfiguration {
        if let proxy = cluster.proxyURL, !proxy.isEmpty {
            throw error(
                .unsupported, field: "proxy-url",
                "is not supported by this client; remove it and make the server reachable directly")
        }
        var tls = TLSConfiguration()
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        tls.serverName = cluster.tlsServerName.flatMap { $0.isEmpty ? nil : $0 }
        tls.certificateAuthorityPEM = try pem(
            data: cluster.certificateAuthorityData, dataField: "certificate-authority-data",
            file: cluster.certificateAuthority, fileField: "certificate-authority")
        if tls.insecureSkipVerify, tls.certificateAuthorityPEM != nil {
            throw error(
                .invalidField, field: "insecure-skip-tls-verify",
                "cannot be combined with a certificate authority (certificate-authority or certificate-authority-data)")
        }
        return tls
    }

    // MARK: User

    func clientIdentity(_ user: KubeconfigUser) throws -> ClientIdentity? {
        let cert = try pem(
            data: user.clientCertificateData, dataField: "client-certificate-data", file: user.clientCertificate,
            fileField: "client-certificate")
        let key = try pem(data: user.clientKeyData, dataField: "client-key-data", file: user.clientKey, fileField: "client-key")
        switch (cert, key) {
        case (let cert?, let key?): return ClientIdentity(certificatePEM: cert, keyPEM: key)
        case (.some, nil):
            throw error(.missingField, field: "client-key", "is missing (client-certificate is set; set client-key or client-key-data)")
        case (nil, .some):
            throw error(
                .missingField, field: "client-certificate",
                "is missing (client-key is set; set client-certificate or client-certificate-data)")
        case (nil, nil): return nil
        }
    }

    func credentials(
        _ user: KubeconfigUser, hasClientIdentity: Bool, server: String, cluster: KubeconfigCluster,
        environment: [String: String]
    ) throws -> any CredentialProvider {
        if let provider = user.authProvider {
            let name = provider.name.flatMap { $0.isEmpty ? nil : "(\"\($0)\") " } ?? ""
            throw error(
                .unsupported, field: "auth-provider",
                "\(name)is not supported (kubectl removed auth providers); "
                    + "use an exec credential plugin instead")
        }
        let token = user.token.flatMap { $0.isEmpty ? nil : $0 }
        let tokenFile = user.tokenFile.flatMap { $0.isEmpty ? nil : $0 }
        let username = user.username.flatMap { $0.isEmpty ? nil : $0 }
        let password = user.password.flatMap { $0.isEmpty ? nil : $0 }
        let hasBasic = username != nil || password != nil
        if (token != nil || tokenFile != nil) && hasBasic {
            throw error(
                .invalidField, field: token != nil ? "token" : "tokenFile",
                "cannot be combined with username/password; only one authentication method is allowed")
        }
        if let exec = user.exec {
            return try execProvider(exec, server: server, cluster: cluster, environment: environment)
        }
        if let tokenFile {
            let initial: String
            do {
                initial = try TokenFileCredentialProvider.readToken(path: tokenFile)
            } catch let e as CredentialError {
                throw error(.unreadableReferencedFile, field: "tokenFile", "\(e)")
            }
            return TokenFileCredentialProvider(path: tokenFile, initialToken: initial)
        }
        if let token { return StaticCredentials(Credentials(bearerToken: token)) }
        if hasBasic {
            guard let username else { throw error(.missingField, field: "username", "is missing (password is set)") }
            var credentials = Credentials()
            credentials.basic = (username, password ?? "")
            return StaticCredentials(credentials)
        }
        if hasClientIdentity { return StaticCredentials() }
        throw error(.noCredentials, "has neither token, tokenFile, client certificate, username/password nor exec")
    }

    func execProvider(
        _ exec: ExecConfig, server: String, cluster: KubeconfigCluster, environment: [String: String]
    ) throws -> ExecCredentialProvider {
        guard !exec.command.isEmpty else { throw error(.missingField, field: "exec.command", "is missing") }
        guard let version = exec.apiVersion, !version.isEmpty else {
            throw error(
                .missingField, field: "exec.apiVersion",
                "is missing (use \(ExecCredentialAPIVersion.v1.rawValue) or \(ExecCredentialAPIVersion.v1beta1.rawValue))")
        }
        guard ExecCredentialAPIVersion(rawValue: version) != nil else {
            throw error(
                .unsupported, field: "exec.apiVersion",
                "\"\(version)\" is not supported (use \(ExecCredentialAPIVersion.v1.rawValue) or "
                    + "\(ExecCredentialAPIVersion.v1beta1.rawValue))")
        }
        switch exec.interactiveMode ?? "IfAvailable" {
        case "Never", "IfAvailable", "": break
        case "Always":
            throw error(
                .unsupported, field: "exec.interactiveMode",
                "\"Always\" needs a terminal, but credential plugins run non-interactively here")
        case let other:
            throw error(.invalidField, field: "exec.interactiveMode", "\"\(other)\" is not Never, IfAvailable or Always")
        }
        for (i, variable) in exec.env.enumerated() where variable.name.isEmpty {
            throw error(.missingField, field: "exec.env[\(i)].name", "is missing")
        }
        let info = ExecCredential.Cluster(
            server: server, tlsServerName: cluster.tlsServerName,
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            certificateAuthorityData: try pem(
                data: cluster.certificateAuthorityData, dataField: "certificate-authority-data",
                file: cluster.certificateAuthority, fileField: "certificate-authority")?.base64EncodedString(),
            proxyURL: nil)
        return ExecCredentialProvider(config: exec, cluster: info, environment: environment)
    }

    // MARK: Shared

    /// The `-data` field decoded from base64 if set, else the file's contents if set.
    func pem(data: String?, dataField: String, file: String?, fileField: String) throws -> Data? {
        if let data, !data.isEmpty {
            let compact = data.filter { !$0.isWhitespace }
            guard let decoded = Data(base64Encoded: compact), !decoded.isEmpty else {
                throw error(.invalidField, field: dataField, "is not valid base64")
            }
            return decoded
        }
        if let file, !file.isEmpty {
            switch FileErrors.read(file) {
            case .success(let contents): return contents
            case .failure(let f):
                throw error(.unreadableReferencedFile, field: fileField, "names \(file), which cannot be read: \(f.reason)")
            }
        }
        return nil
    }
}
