import Foundation
import KubeClient
import KubeCore

/// Reads the PostgresInstance from the API server:
/// `GET /apis/quartermaster.dev/v1alpha1/namespaces/NS/postgresinstances/NAME`.
public struct KubeInstanceSpecSource: InstanceSpecSource {
    /// `postgresinstances.quartermaster.dev/v1alpha1`, namespaced.
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "PostgresInstance", plural: "postgresinstances",
        namespaced: true)

    public let client: KubeClient
    public let namespace: String
    public let name: String

    public init(client: KubeClient, namespace: String, name: String) {
        self.client = client
        self.namespace = namespace
        self.name = name
    }

    /// A client from the in-cluster configuration whose token, CA and namespace files are
    /// `token`, `ca.crt` and `namespace` in `serviceAccountDirectory`; the namespace is
    /// `namespace` when given, else the one in that directory (else `default`).
    ///
    /// Throws `InClusterConfigError` when the configuration is incomplete.
    public static func inCluster(
        serviceAccountDirectory: String, name: String, namespace: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KubeInstanceSpecSource {
        let configuration = try InClusterConfig.load(
            environment: environment, tokenPath: serviceAccountDirectory + "/token",
            caPath: serviceAccountDirectory + "/ca.crt", namespacePath: serviceAccountDirectory + "/namespace")
        let client = try KubeClient(configuration: configuration)
        return KubeInstanceSpecSource(
            client: client, namespace: namespace ?? configuration.namespace ?? "default", name: name)
    }

    public func fetch() async throws -> JSONValue {
        let response = try await client.send(APIRequests.get(Self.resource, namespace: namespace, name: name))
        return try KubeJSON.decode(JSONValue.self, from: response.body)
    }
}
