import Foundation
import Testing

@testable import KubeClient

@Suite("Config: kubeconfig errors")
struct ConfigKubeconfigErrorTests {
    let dir: ConfigTempDir
    init() throws { dir = try ConfigTempDir() }

    var env: [String: String] { ["HOME": dir.path + "/home", "PATH": "/usr/bin:/bin"] }

    /// A kubeconfig with context `dev` → cluster `c`, user `u`, with the given bodies.
    func write(cluster: String = "{server: \"https://c\"}", user: String = "{token: t}", extra: String = "") throws
        -> String
    {
        try dir.write(
            "config",
            """
            current-context: dev
            clusters:
            - name: c
              cluster: \(cluster)
            users:
            - name: u
              user: \(user)
            contexts:
            - name: dev
              context: {cluster: c, user: u}
            \(extra)
            """)
    }

    func loadError(_ file: String, context: String? = nil) throws -> KubeconfigError {
        let error = #expect(throws: KubeconfigError.self) {
            try KubeconfigLoader.load(path: file, context: context, environment: env)
        }
        return try #require(error)
    }

    @Test func contextNotFoundListsAvailable() throws {
        let file = try write(extra: "- {name: other, context: {cluster: c, user: u}}")
        let error = try loadError(file, context: "prod")
        #expect(error.kind == .contextNotFound)
        #expect(error.description == "kubeconfig \(file): context \"prod\" not found (available: dev, other)")
    }

    @Test func currentContextNotSet() throws {
        let file = try dir.write("config", "clusters: []\nusers: []\n")
        let error = try loadError(file)
        #expect(error.kind == .currentContextNotSet)
        #expect(error.description == "kubeconfig \(file): current-context is not set and --context was not given")
    }

    @Test func missingServer() throws {
        let file = try write(cluster: "{insecure-skip-tls-verify: true}")
        let error = try loadError(file)
        #expect(error.kind == .missingField)
        #expect(error.description == "kubeconfig \(file): context \"dev\": cluster \"c\": field \"server\" is missing")
    }

    @Test func invalidServer() throws {
        let file = try write(cluster: "{server: \"ftp://c\"}")
        let error = try loadError(file)
        #expect(error.field == "server")
        #expect(error.description.contains("is not an http or https URL"))
    }

    @Test func userWithoutCredentials() throws {
        let file = try write(user: "{}")
        let error = try loadError(file)
        #expect(error.kind == .noCredentials)
        #expect(
            error.description
                == "kubeconfig \(file): context \"dev\": user \"u\" has neither token, tokenFile, client certificate, username/password nor exec"
        )
    }

    @Test func invalidBase64NamesFieldButNotValue() throws {
        let secret = "not*base64*SECRETKEY"
        let file = try write(
            user: "{client-certificate-data: \(ConfigFixtures.base64(ConfigFixtures.certPEM)), client-key-data: \"\(secret)\"}")
        let error = try loadError(file)
        #expect(error.kind == .invalidField)
        #expect(
            error.description
                == "kubeconfig \(file): context \"dev\": user \"u\": field \"client-key-data\" is not valid base64")
        #expect(!error.description.contains("SECRETKEY"))

        let caFile = try write(cluster: "{server: \"https://c\", certificate-authority-data: \"%%%\"}")
        #expect(try loadError(caFile).field == "certificate-authority-data")
    }

    @Test func unreadableReferencedFilesAreNamed() throws {
        let ca = dir.path + "/missing-ca.crt"
        let file = try write(cluster: "{server: \"https://c\", certificate-authority: missing-ca.crt}")
        let error = try loadError(file)
        #expect(error.kind == .unreadableReferencedFile)
        #expect(error.field == "certificate-authority")
        #expect(error.entry == .cluster("c"))
        #expect(error.description.contains(ca))
        #expect(error.description.contains("no such file"))

        let tokenFile = try write(user: "{tokenFile: /nonexistent/token}")
        let tokenError = try loadError(tokenFile)
        #expect(tokenError.field == "tokenFile")
        #expect(tokenError.description.contains("/nonexistent/token"))
        #expect(tokenError.description.contains("user \"u\""))

        let keyFile = try write(user: "{client-certificate-data: \(ConfigFixtures.base64("x")), client-key: k.pem}")
        let keyError = try loadError(keyFile)
        #expect(keyError.field == "client-key")
        #expect(keyError.description.contains(dir.path + "/k.pem"))
    }

    @Test func yamlSyntaxErrorNamesFileAndLineWithoutContents() throws {
        let file = try dir.write(
            "config",
            """
            current-context: dev
            users:
            - name: u
              user:
                token: SECRET-TOKEN: [oops
            """)
        let error = try loadError(file)
        #expect(error.kind == .invalidYAML)
        #expect(error.description.hasPrefix("kubeconfig \(file): is not valid YAML: line "))
        #expect(!error.description.contains("SECRET-TOKEN"))
    }

    @Test func wrongShapeNamesField() throws {
        let file = try dir.write("config", "clusters:\n- cluster: {server: \"https://c\"}\n")
        let error = try loadError(file)
        #expect(error.kind == .invalidStructure)
        #expect(error.description == "kubeconfig \(file): field \"clusters[0].name\" is missing")

        let list = try dir.write("list", "- a\n- b\n")
        #expect(try loadError(list).description.contains("is not a kubeconfig"))
    }

    @Test func unreadableKubeconfigFile() throws {
        let missing = dir.path + "/nope"
        let error = try loadError(missing)
        #expect(error.kind == .unreadableFile)
        #expect(error.description == "kubeconfig \(missing): cannot be read: no such file")

        let directory = dir.path + "/adir"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(try loadError(directory).description == "kubeconfig \(directory): cannot be read: is a directory")
    }

    @Test func clusterAndUserNotFound() throws {
        let file = try dir.write(
            "config",
            """
            current-context: dev
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users: [{name: u, user: {token: t}}]
            contexts:
            - {name: dev, context: {cluster: nope, user: u}}
            - {name: dev2, context: {cluster: c, user: nobody}}
            - {name: dev3, context: {user: u}}
            """)
        #expect(
            try loadError(file).description
                == "kubeconfig \(file): context \"dev\": cluster \"nope\" not found (available: c)")
        #expect(
            try loadError(file, context: "dev2").description
                == "kubeconfig \(file): context \"dev2\": user \"nobody\" not found (available: u)")
        #expect(
            try loadError(file, context: "dev3").description
                == "kubeconfig \(file): context \"dev3\": field \"cluster\" is missing")
    }

    @Test func unsupportedAuthProviderAndProxy() throws {
        let auth = try write(user: "{auth-provider: {name: gcp, config: {access-token: SECRET}}}")
        let error = try loadError(auth)
        #expect(error.kind == .unsupported)
        #expect(error.field == "auth-provider")
        #expect(error.description.contains("\"gcp\""))
        #expect(error.description.contains("exec credential plugin"))
        #expect(!error.description.contains("SECRET"))

        let proxy = try write(cluster: "{server: \"https://c\", proxy-url: \"http://proxy:3128\"}")
        let proxyError = try loadError(proxy)
        #expect(proxyError.kind == .unsupported)
        #expect(proxyError.description.hasPrefix("kubeconfig \(proxy): context \"dev\": cluster \"c\": field \"proxy-url\""))
    }

    @Test func conflictingOrIncompleteUserSettings() throws {
        let both = try write(user: "{token: t, username: a, password: b}")
        #expect(try loadError(both).description.contains("only one authentication method"))

        let certOnly = try write(user: "{client-certificate-data: \(ConfigFixtures.base64(ConfigFixtures.certPEM))}")
        let certError = try loadError(certOnly)
        #expect(certError.field == "client-key")
        #expect(certError.kind == .missingField)

        let insecureWithCA = try write(
            cluster: "{server: \"https://c\", insecure-skip-tls-verify: true, certificate-authority-data: \(ConfigFixtures.base64("x"))}")
        #expect(try loadError(insecureWithCA).field == "insecure-skip-tls-verify")
    }

    @Test func invalidExecSettings() throws {
        let alpha = try write(user: "{exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}")
        let alphaError = try loadError(alpha)
        #expect(alphaError.field == "exec.apiVersion")
        #expect(alphaError.description.contains("v1alpha1"))

        let noVersion = try write(user: "{exec: {command: x}}")
        #expect(try loadError(noVersion).field == "exec.apiVersion")

        let noCommand = try write(user: "{exec: {apiVersion: client.authentication.k8s.io/v1}}")
        #expect(try loadError(noCommand).field == "exec.command")

        let always = try write(
            user: "{exec: {apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Always}}")
        #expect(try loadError(always).field == "exec.interactiveMode")
    }

    @Test func nothingToLoad() throws {
        let error = #expect(throws: KubeconfigError.self) {
            try KubeconfigLoader.load(path: nil, context: nil, environment: env)
        }
        #expect(error?.kind == .noConfiguration)
        #expect(error?.description.contains(dir.path + "/home/.kube/config") == true)
        #expect(error?.description.contains("not running in a cluster") == true)

        var inCluster = env
        inCluster["KUBERNETES_SERVICE_HOST"] = "10.0.0.1"
        inCluster["KUBERNETES_SERVICE_PORT"] = "443"
        let contextError = #expect(throws: KubeconfigError.self) {
            try KubeconfigLoader.load(path: nil, context: "dev", environment: inCluster)
        }
        #expect(contextError?.description.contains("--context \"dev\"") == true)

        var listed = env
        listed["KUBECONFIG"] = dir.path + "/a:" + dir.path + "/b"
        let listError = #expect(throws: KubeconfigError.self) {
            try KubeconfigLoader.load(path: nil, context: nil, environment: listed)
        }
        #expect(listError?.description.hasPrefix("kubeconfig \(dir.path)/a, \(dir.path)/b: ") == true)
    }

    @Test func errorsNameTheFileThatDefinedTheEntry() throws {
        let contexts = try dir.write(
            "contexts.yaml",
            "current-context: dev\ncontexts: [{name: dev, context: {cluster: c, user: u}}]\n")
        let clusters = try dir.write("clusters.yaml", "clusters: [{name: c, cluster: {server: \"https://c\"}}]\n")
        let users = try dir.write("users.yaml", "users: [{name: u, user: {}}]\n")
        var listed = env
        listed["KUBECONFIG"] = [contexts, clusters, users].joined(separator: ":")
        let error = #expect(throws: KubeconfigError.self) {
            try KubeconfigLoader.load(path: nil, context: nil, environment: listed)
        }
        #expect(error?.files == [users])
        #expect(error?.description.hasPrefix("kubeconfig \(users): context \"dev\": user \"u\" has neither") == true)
    }
}
