import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Testing

/// `HostileInputCorpus` against a real API server and the real operator (Tenant, Resource and
/// IPFSCluster controllers): every manifest is refused at the door or reported with a clear
/// message, and the good objects beside them still converge.
@Suite("Hostile input on envtest", .serialized)
struct HostileInputIntegrationTests {
    typealias Corpus = HostileInputCorpus

    static func plural(_ kind: Corpus.Kind) -> String {
        switch kind {
        case .ipfsCluster: return "ipfsclusters.quartermaster.dev"
        case .tenant: return "tenants.quartermaster.dev"
        case .resource: return "resources.quartermaster.dev"
        }
    }

    static func manifest(_ e: Corpus.Entry, namespace: String) -> String {
        let ns = e.kind == .tenant ? "" : #","namespace":"\#(namespace)""#
        return #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"\#(e.kind.rawValue)","metadata":{"name":"\#(e.name)"\#(ns)},"spec":\#(e.spec)}"#
    }

    /// `model`'s CRD with `spec` unchecked and names unrestricted: an older, looser schema.
    static func looseCRD(_ model: CustomResourceDefinitionModel) throws -> String {
        var loose = model
        loose.spec = .freeform("Anything (a looser, older schema).")
        loose.metadataName = nil
        return try "---\n" + loose.yaml()
    }

    /// Every CRD in its looser form.
    static func looseCRDs() throws -> [String] { try QuartermasterKinds.all.map(\.crd).map(looseCRD) }

    static func waitEstablished(_ env: EnvTest) async throws {
        for model in QuartermasterKinds.all.map(\.crd) {
            try await env.waitUntilEstablished([model.name])
        }
    }

    /// `reason` and `message` of the object's `Stalled` condition when it is `True`.
    static func stalled(_ env: EnvTest, _ e: Corpus.Entry, namespace: String) async throws -> (String, String)? {
        var arguments = ["get", plural(e.kind), e.name, "-o", "json"]
        if e.kind != .tenant { arguments += ["-n", namespace] }
        let object = try KubeJSON.decode(JSONValue.self, from: Data(try await env.kubectlChecked(arguments).utf8))
        let conditions = object.value(at: "status", "conditions")?.arrayValue ?? []
        guard let c = conditions.first(where: { $0["type"]?.stringValue == "Stalled" }),
            c["status"]?.stringValue == "True"
        else { return nil }
        return (c["reason"]?.stringValue ?? "", c["message"]?.stringValue ?? "")
    }

    @Test(
        "every hostile manifest is refused or reported, and good objects converge beside them",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func corpus() async throws {
        #expect(Corpus.entries.count >= 50)
        let env = try await EnvTest.start(controllerManager: false)
        defer { Task { await env.stop() } }
        let namespace = try await env.createNamespace("hostile")

        // What an older schema let in.
        for crd in try Self.looseCRDs() { try await env.kubectlChecked(["apply", "--server-side", "-f", "-"], stdin: crd) }
        try await Self.waitEstablished(env)
        for e in Corpus.entries {
            guard case .storedEarlier = e.outcome else { continue }
            try await env.kubectlChecked(["apply", "-f", "-"], stdin: Self.manifest(e, namespace: namespace))
        }
        // Today's schema, then the operator.
        for crd in try GeneratedManifests.crdFiles() {
            try await env.kubectlChecked(["apply", "--server-side", "--force-conflicts", "-f", "-"], stdin: crd.yaml)
        }
        try await Self.waitEstablished(env)
        try await eventually("the API server enforces today's schema") {
            let probe = Corpus.Entry(kind: .ipfsCluster, name: "probe", spec: #"{"replicas":99}"#, outcome: .rejected(""))
            let r = try await env.kubectl(
                ["apply", "--dry-run=server", "-f", "-"], stdin: Self.manifest(probe, namespace: namespace))
            return r.status != 0
        }
        let client = try KubeClient(configuration: env.clientConfiguration(), identity: .quartermaster)
        _ = try await client.apply(TenantOwnerRole.clusterRole)
        let op = try TenantResourceOperator.start(env: env, ipfsNamespaces: [namespace])
        defer { Task { await op.stop() } }
        try await op.waitUntilSynced()

        for e in Corpus.entries {
            let manifest = Self.manifest(e, namespace: namespace)
            switch e.outcome {
            case .rejected(let text):
                let r = try await env.kubectl(["apply", "-f", "-"], stdin: manifest)
                #expect(r.status != 0, "\(e.kind.rawValue) \(e.name) must be refused")
                #expect(r.stderr.contains(text), "\(e.kind.rawValue) \(e.name): \(r.stderr)")
            case .stalled:
                try await env.kubectlChecked(["apply", "-f", "-"], stdin: manifest)
            case .storedEarlier:
                break
            }
        }
        // Good objects beside them.
        try await env.kubectlChecked(
            ["apply", "-f", "-"], stdin: IPFSClusterIntegrationTests.manifest(name: "good", namespace: namespace))
        let goodTenant = "good-\(HardeningIntegrationTests.suffix())"
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"Tenant","metadata":{"name":"\#(goodTenant)"},"spec":{"owners":[{"kind":"User","name":"alice"}]}}"#)

        for e in Corpus.entries {
            switch e.outcome {
            case .rejected:
                continue
            case .stalled(let reason):
                try await eventually("\(e.kind.rawValue) \(e.name) Stalled with \(reason)") {
                    guard let (r, message) = try await Self.stalled(env, e, namespace: namespace) else { return false }
                    return r == reason && !message.isEmpty
                }
            case .storedEarlier(let text):
                try await eventually("\(e.kind.rawValue) \(e.name) reported: \(text)") {
                    let events = try await HardeningIntegrationTests.events(
                        env, about: e.name, in: e.kind == .tenant ? nil : namespace)
                    if events.contains(where: { $0.type == "Warning" && ($0.message ?? "").contains(text) }) {
                        return true
                    }
                    return try await Self.stalled(env, e, namespace: namespace)?.1.contains(text) == true
                }
            }
        }
        try await eventually("the good IPFSCluster gets its StatefulSet") {
            try await client.getIfExists(StatefulSet.self, name: "good", namespace: namespace) != nil
        }
        try await eventually("the good Tenant gets its namespace and owner binding") {
            try await client.getIfExists(RoleBinding.self, name: "quartermaster-tenant-owners", namespace: goodTenant) != nil
        }
        for e in Corpus.ipfsClusters where e.name.hasPrefix("old-") {
            #expect(try await client.getIfExists(StatefulSet.self, name: e.name, namespace: namespace) == nil)
        }
        #expect(!op.task.isCancelled)
        await op.stop()
    }
}
