import Foundation
import KubeCore
import Testing

@testable import KubeClient

@Suite("Config: kubeconfig loading")
struct ConfigKubeconfigLoaderTests {
    let dir: ConfigTempDir
    init() throws { dir = try ConfigTempDir() }

    /// An environment with no KUBECONFIG, a HOME without a kubeconfig, not in a cluster.
    var emptyEnvironment: [String: String] { ["HOME": dir.path + "/home", "PATH": "/usr/bin:/bin"] }

    static func simple(
        name: String = "ctx", cluster: String = "c", user: String = "u", server: String = "https://a.example:6443",
        token: String = "tok-a", namespace: String? = nil, current: Bool = true
    ) -> String {
        """
        apiVersion: v1
        kind: Config
        preferences: {colors: true}
        \(current ? "current-context: \(name)" : "")
        clusters:
        - name: \(cluster)
          cluster:
            server: \(server)
        users:
        - name: \(user)
          user:
            token: \(token)
        contexts:
        - name: \(name)
          context:
            cluster: \(cluster)
            user: \(user)
        \(namespace.map { "    namespace: \($0)" } ?? "")
        """
    }

    @Test func singleFileWithTokenCADataAndNamespace() async throws {
        let file = try dir.write(
            "config",
            """
            current-context: dev
            clusters:
            - name: c
              cluster:
                server: https://10.1.2.3:6443/
                certificate-authority-data: \(ConfigFixtures.base64(ConfigFixtures.caPEM))
                tls-server-name: api.internal
            users:
            - name: u
              user:
                token: secret-token
            contexts:
            - name: dev
              context: {cluster: c, user: u, namespace: team-a}
            """)
        let config = try KubeconfigLoader.load(path: file, context: nil, environment: emptyEnvironment)
        #expect(config.server == "https://10.1.2.3:6443")
        #expect(config.tls.certificateAuthorityPEM == Data(ConfigFixtures.caPEM.utf8))
        #expect(config.tls.serverName == "api.internal")
        #expect(config.tls.insecureSkipVerify == false)
        #expect(config.tls.clientIdentity == nil)
        #expect(config.namespace == "team-a")
        #expect(config.contextName == "dev")
        #expect(config.source == file)
        #expect(try await config.credentials.credentials().bearerToken == "secret-token")
    }

    @Test func kubeconfigListMergesFirstDefinitionWins() async throws {
        let a = try dir.write(
            "a.yaml",
            """
            current-context: ctx-a
            clusters:
            - name: shared
              cluster: {server: "https://a.example"}
            users:
            - name: ua
              user: {token: token-a}
            contexts:
            - name: ctx-a
              context: {cluster: shared, user: ua, namespace: from-a}
            - name: both
              context: {cluster: shared, user: ua, namespace: both-from-a}
            """)
        let b = try dir.write(
            "b.yaml",
            """
            current-context: ctx-b
            clusters:
            - name: shared
              cluster: {server: "https://b.example"}
            - name: only-b
              cluster: {server: "https://only-b.example"}
            users:
            - name: ua
              user: {token: token-from-b}
            - name: ub
              user: {token: token-b}
            contexts:
            - name: ctx-b
              context: {cluster: shared, user: ub}
            - name: both
              context: {cluster: only-b, user: ub, namespace: both-from-b}
            - name: bonly
              context: {cluster: only-b, user: ua}
            """)
        let missing = dir.path + "/does-not-exist.yaml"
        var env = emptyEnvironment
        env["KUBECONFIG"] = "\(missing):\(a)::\(b)"

        // current-context from the first file that sets it.
        let first = try KubeconfigLoader.load(path: nil, context: nil, environment: env)
        #expect(first.contextName == "ctx-a")
        #expect(first.server == "https://a.example")
        #expect(first.namespace == "from-a")
        #expect(first.source == "\(a):\(b)")

        // A context from B refers to cluster "shared": A's definition wins.
        let fromB = try KubeconfigLoader.load(path: nil, context: "ctx-b", environment: env)
        #expect(fromB.server == "https://a.example")
        #expect(try await fromB.credentials.credentials().bearerToken == "token-b")
        #expect(fromB.namespace == nil)

        // Context defined in both files: A's wins.
        let both = try KubeconfigLoader.load(path: nil, context: "both", environment: env)
        #expect(both.namespace == "both-from-a")
        #expect(both.server == "https://a.example")

        // User "ua" defined in both files: A's token wins.
        let bonly = try KubeconfigLoader.load(path: nil, context: "bonly", environment: env)
        #expect(bonly.server == "https://only-b.example")
        #expect(try await bonly.credentials.credentials().bearerToken == "token-a")

        // Reversed order: B's definitions and current-context win.
        env["KUBECONFIG"] = "\(b):\(a)"
        let reversed = try KubeconfigLoader.load(path: nil, context: nil, environment: env)
        #expect(reversed.contextName == "ctx-b")
        #expect(reversed.server == "https://b.example")
    }

    @Test func currentContextFromFirstFileThatSetsIt() throws {
        let noCurrent = try dir.write("one", Self.simple(name: "one", server: "https://one", current: false))
        let withCurrent = try dir.write("two", Self.simple(name: "two", cluster: "c2", user: "u2", server: "https://two"))
        var env = emptyEnvironment
        env["KUBECONFIG"] = "\(noCurrent):\(withCurrent)"
        let config = try KubeconfigLoader.load(path: nil, context: nil, environment: env)
        #expect(config.contextName == "two")
        #expect(config.server == "https://two")
    }

    @Test func explicitPathBeatsKubeconfigAndHome() throws {
        let explicit = try dir.write("explicit", Self.simple(server: "https://explicit"))
        let listed = try dir.write("listed", Self.simple(server: "https://listed"))
        try dir.write("home/.kube/config", Self.simple(server: "https://home"))
        var env = emptyEnvironment
        env["KUBECONFIG"] = listed
        #expect(try KubeconfigLoader.load(path: explicit, context: nil, environment: env).server == "https://explicit")
        #expect(try KubeconfigLoader.load(path: nil, context: nil, environment: env).server == "https://listed")
        env["KUBECONFIG"] = nil
        let home = try KubeconfigLoader.load(path: nil, context: nil, environment: env)
        #expect(home.server == "https://home")
        #expect(home.source == dir.path + "/home/.kube/config")
    }

    @Test func contextOverridesCurrentContext() throws {
        let file = try dir.write(
            "config",
            """
            current-context: a
            clusters:
            - {name: ca, cluster: {server: "https://a"}}
            - {name: cb, cluster: {server: "https://b"}}
            users:
            - {name: u, user: {token: t}}
            contexts:
            - {name: a, context: {cluster: ca, user: u}}
            - {name: b, context: {cluster: cb, user: u, namespace: nb}}
            """)
        let a = try KubeconfigLoader.load(path: file, context: nil, environment: emptyEnvironment)
        #expect(a.server == "https://a")
        let b = try KubeconfigLoader.load(path: file, context: "b", environment: emptyEnvironment)
        #expect(b.server == "https://b")
        #expect(b.contextName == "b")
        #expect(b.namespace == "nb")
    }

    @Test func relativePathsResolveAgainstTheDefiningFile() async throws {
        try dir.write("conf/pki/ca.crt", ConfigFixtures.caPEM)
        try dir.write("conf/pki/client.crt", ConfigFixtures.certPEM)
        try dir.write("conf/pki/client.key", ConfigFixtures.keyPEM)
        try dir.write("conf/token", "file-token\n")
        try dir.write(
            "conf/bin/plugin.sh",
            """
            #!/bin/sh
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token"}}'
            """, executable: true)
        let users = try dir.write(
            "conf/users.yaml",
            """
            users:
            - name: cert
              user:
                client-certificate: pki/client.crt
                client-key: ./pki/client.key
            - name: file
              user:
                tokenFile: token
            - name: exec
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/plugin.sh
                  interactiveMode: Never
            """)
        let main = try dir.write(
            "main/config",
            """
            clusters:
            - name: c
              cluster:
                server: https://c
                certificate-authority: ../conf/pki/ca.crt
            contexts:
            - {name: cert, context: {cluster: c, user: cert}}
            - {name: file, context: {cluster: c, user: file}}
            - {name: exec, context: {cluster: c, user: exec}}
            """)
        var env = emptyEnvironment
        env["KUBECONFIG"] = "\(main):\(users)"

        let cert = try KubeconfigLoader.load(path: nil, context: "cert", environment: env)
        #expect(cert.tls.certificateAuthorityPEM == Data(ConfigFixtures.caPEM.utf8))
        #expect(
            cert.tls.clientIdentity
                == ClientIdentity(certificatePEM: Data(ConfigFixtures.certPEM.utf8), keyPEM: Data(ConfigFixtures.keyPEM.utf8)))
        #expect(try await cert.credentials.credentials() == Credentials())

        let file = try KubeconfigLoader.load(path: nil, context: "file", environment: env)
        let provider = try #require(file.credentials as? TokenFileCredentialProvider)
        #expect(provider.path == dir.path + "/conf/token")
        #expect(try await file.credentials.credentials().bearerToken == "file-token")

        let exec = try KubeconfigLoader.load(path: nil, context: "exec", environment: env)
        let execProvider = try #require(exec.credentials as? ExecCredentialProvider)
        #expect(execProvider.config.command == dir.path + "/conf/bin/plugin.sh")
        #expect(try await exec.credentials.credentials().bearerToken == "exec-token")
    }

    @Test func dataFieldsDecodeAndWinOverFiles() throws {
        try dir.write("other.pem", "-----BEGIN CERTIFICATE-----\nb3RoZXI=\n-----END CERTIFICATE-----\n")
        // Base64 wrapped over several lines, as some tools write it.
        let wrappedKey = ConfigFixtures.base64(ConfigFixtures.keyPEM).enumerated()
            .map { $0.offset > 0 && $0.offset % 20 == 0 ? "\n      \($0.element)" : String($0.element) }.joined()
        let file = try dir.write(
            "config",
            """
            current-context: x
            clusters:
            - name: c
              cluster:
                server: https://c
                certificate-authority: other.pem
                certificate-authority-data: \(ConfigFixtures.base64(ConfigFixtures.caPEM))
            users:
            - name: u
              user:
                client-certificate: other.pem
                client-certificate-data: \(ConfigFixtures.base64(ConfigFixtures.certPEM))
                client-key-data: >-
                  \(wrappedKey)
            contexts:
            - {name: x, context: {cluster: c, user: u}}
            """)
        let config = try KubeconfigLoader.load(path: file, context: nil, environment: emptyEnvironment)
        #expect(config.tls.certificateAuthorityPEM == Data(ConfigFixtures.caPEM.utf8))
        #expect(config.tls.clientIdentity?.certificatePEM == Data(ConfigFixtures.certPEM.utf8))
        #expect(config.tls.clientIdentity?.keyPEM == Data(ConfigFixtures.keyPEM.utf8))
    }

    @Test func basicAuthAndInsecureCluster() async throws {
        let file = try dir.write(
            "config",
            """
            current-context: x
            clusters:
            - name: c
              cluster: {server: "127.0.0.1:6443", insecure-skip-tls-verify: true}
            users:
            - name: u
              user: {username: admin, password: "p@ss:word"}
            contexts:
            - {name: x, context: {cluster: c, user: u}}
            """)
        let config = try KubeconfigLoader.load(path: file, context: nil, environment: emptyEnvironment)
        #expect(config.server == "https://127.0.0.1:6443")
        #expect(config.tls.insecureSkipVerify)
        let creds = try await config.credentials.credentials()
        #expect(creds.basic?.username == "admin")
        #expect(creds.basic?.password == "p@ss:word")
        #expect(creds.authorizationHeader == "Basic " + Data("admin:p@ss:word".utf8).base64EncodedString())
    }

    @Test func tokenFileWinsOverToken() async throws {
        try dir.write("tok", "  from-file  \n")
        let file = try dir.write(
            "config",
            """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users: [{name: u, user: {token: inline, tokenFile: tok}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        let config = try KubeconfigLoader.load(path: file, context: nil, environment: emptyEnvironment)
        #expect(try await config.credentials.credentials().bearerToken == "from-file")
    }

    @Test func emptyKubeconfigListFallsBackToInCluster() async throws {
        let token = try dir.write("sa/token", "sa-token")
        let ca = try dir.write("sa/ca.crt", ConfigFixtures.caPEM)
        var env = emptyEnvironment
        env["KUBECONFIG"] = dir.path + "/nope:" + dir.path + "/nope2"
        env["KUBERNETES_SERVICE_HOST"] = "10.0.0.1"
        env["KUBERNETES_SERVICE_PORT"] = "443"
        let paths = KubeconfigLoader.InClusterPaths(token: token, certificateAuthority: ca, namespace: dir.path + "/sa/ns")
        let config = try KubeconfigLoader.load(path: nil, context: nil, environment: env, inClusterPaths: paths)
        #expect(config.source == "in-cluster")
        #expect(config.server == "https://10.0.0.1:443")
        #expect(try await config.credentials.credentials().bearerToken == "sa-token")

        // With no KUBECONFIG and no ~/.kube/config as well.
        env["KUBECONFIG"] = nil
        let fromHome = try KubeconfigLoader.load(path: nil, context: nil, environment: env, inClusterPaths: paths)
        #expect(fromHome.source == "in-cluster")

        // A kubeconfig, when present, beats in-cluster.
        try dir.write("home/.kube/config", Self.simple(server: "https://home"))
        #expect(try KubeconfigLoader.load(path: nil, context: nil, environment: env, inClusterPaths: paths).server == "https://home")
    }

    @Test func emptyDocumentIsAnEmptyKubeconfig() throws {
        #expect(try KubeconfigLoader.parse(Data("# nothing here\n".utf8), file: "/x") == Kubeconfig())
        #expect(try KubeconfigLoader.parse(Data(), file: "/x") == Kubeconfig())
    }

    @Test func mergedKubeconfigKeepsDefiningFile() throws {
        let a = Kubeconfig(clusters: [NamedCluster(name: "c", cluster: KubeconfigCluster(server: "https://a"))])
        let b = Kubeconfig(
            clusters: [
                NamedCluster(name: "c", cluster: KubeconfigCluster(server: "https://b")),
                NamedCluster(name: "d", cluster: KubeconfigCluster(server: "https://d")),
            ], currentContext: "x")
        let merged = MergedKubeconfig([("/a", a), ("/b", b)])
        #expect(merged.clusters["c"] == Sourced(KubeconfigCluster(server: "https://a"), file: "/a"))
        #expect(merged.clusters["d"]?.file == "/b")
        #expect(merged.currentContext == "x")
        #expect(merged.files == ["/a", "/b"])
    }
}
