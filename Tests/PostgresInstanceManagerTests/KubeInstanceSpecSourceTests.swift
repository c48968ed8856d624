import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import PostgresInstanceManager
import Testing

@Suite("KubeInstanceSpecSource: the PostgresInstance from the API server")
struct KubeInstanceSpecSourceTests {
    @Test("GETs the namespaced postgresinstances path and decodes the object")
    func fetches() async throws {
        let transport = ScriptedTransport()
        transport.on(
            .get, "/apis/quartermaster.dev/v1alpha1/namespaces/ns/postgresinstances/pg",
            json:
                #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"PostgresInstance","metadata":{"name":"pg","namespace":"ns"},"spec":{"owner":"alice"},"status":{"targetPrimary":"pg-2"}}"#
        )
        let source = KubeInstanceSpecSource(client: KubeClient(transport: transport), namespace: "ns", name: "pg")
        let settings = try await source.settings()
        #expect(settings.owner == "alice")
        #expect(settings.targetPrimary == "pg-2")
        #expect(
            transport.requests.map(\.path) == ["/apis/quartermaster.dev/v1alpha1/namespaces/ns/postgresinstances/pg"])
    }

    @Test("in-cluster: token, ca.crt and namespace from the service account directory; the namespace argument wins")
    func inCluster() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qm-sa-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("token".utf8).write(to: URL(fileURLWithPath: directory + "/token"))
        try Data("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".utf8).write(
            to: URL(fileURLWithPath: directory + "/ca.crt"))
        try Data("team\n".utf8).write(to: URL(fileURLWithPath: directory + "/namespace"))
        let environment = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "6443"]
        let fromFile = try KubeInstanceSpecSource.inCluster(
            serviceAccountDirectory: directory, name: "pg", namespace: nil, environment: environment)
        #expect(fromFile.namespace == "team")
        let given = try KubeInstanceSpecSource.inCluster(
            serviceAccountDirectory: directory, name: "pg", namespace: "ns", environment: environment)
        #expect(given.namespace == "ns")
        #expect(throws: InClusterConfigError.self) {
            try KubeInstanceSpecSource.inCluster(
                serviceAccountDirectory: directory, name: "pg", namespace: nil, environment: [:])
        }
    }
}
