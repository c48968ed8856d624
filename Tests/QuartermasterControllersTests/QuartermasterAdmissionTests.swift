import Foundation
import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

/// The validators the webhook runs, from the kind declarations, without I/O.
@Suite struct QuartermasterAdmissionTests {
    static func json(_ text: String) throws -> JSONValue { try KubeJSON.decode(JSONValue.self, from: Data(text.utf8)) }

    static func request(
        _ kind: KindDeclaration, operation: AdmissionOperation = .create, namespace: String? = "acme", object: JSONValue?,
        old: JSONValue? = nil, subResource: String? = nil
    ) -> AdmissionRequest {
        let r = kind.resource
        return AdmissionRequest(
            uid: "u", kind: GroupVersionKind(group: r.group, version: r.version, kind: r.kind),
            resource: GroupVersionResource(group: r.group, version: r.version, resource: r.plural), subResource: subResource,
            name: object?["metadata"]?["name"]?.stringValue, namespace: namespace, operation: operation, object: object,
            oldObject: old)
    }

    static func verdict(_ kind: KindDeclaration, _ request: AdmissionRequest, tenants: TenantLookup = .none) -> AdmissionVerdict {
        guard let admission = kind.admission else { return .deny("no admission") }
        return QuartermasterAdmission.verdict(
            for: request, kind: kind.resource, admission: admission, tenants: tenants, operatorNamespace: "quartermaster-system")
    }

    static func cluster(name: String = "web", spec: String = #"{"replicas":3}"#) throws -> JSONValue {
        try json(#"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"IPFSCluster","metadata":{"name":"\#(name)","namespace":"acme","uid":"c-1"},"spec":\#(spec)}"#)
    }

    @Test func everyKindHasAWebhookWithAPathAndAName() {
        #expect(QuartermasterAdmission.kinds().map(\.resource.kind) == ["IPFSCluster", "Tenant", "Resource", "PostgresInstance", "PostgresBackup", "Deployment"])
        #expect(QuartermasterAdmission.path(IPFSCluster.resource) == "/validate-quartermaster-dev-v1alpha1-ipfscluster")
        #expect(QuartermasterAdmission.webhookName(Tenant.resource) == "tenants.quartermaster.dev")
        let routes = QuartermasterAdmission.routes(tenants: .none, operatorNamespace: nil)
        #expect(Set(routes.keys) == Set(QuartermasterAdmission.kinds().map { QuartermasterAdmission.path($0.resource) }))
    }

    @Test func anIPFSClusterOutOfBoundsOrWithAReservedNameIsRefusedWithTheReason() throws {
        let kind = IPFSCluster.declaration
        #expect(Self.verdict(kind, Self.request(kind, object: try Self.cluster())).allowed)

        let tooMany = Self.verdict(kind, Self.request(kind, object: try Self.cluster(spec: #"{"replicas":1000}"#)))
        #expect(!tooMany.allowed && tooMany.code == 422)
        #expect(tooMany.message?.contains("IPFSCluster acme/web is refused: InvalidSpec: replicas: 1000 is out of range") == true)

        let reserved = Self.verdict(kind, Self.request(kind, object: try Self.cluster(name: "quartermaster-allow-same-namespace")))
        #expect(!reserved.allowed)
        #expect(reserved.message?.contains("is reserved for the operator's own objects") == true)

        let hosts = Self.verdict(
            kind,
            Self.request(
                kind,
                object: try Self.cluster(
                    spec: #"{"replicas":1,"exposure":{"api":{"type":"Ingress","host":"a.example"},"gateway":{"type":"Ingress","host":"a.example"}}}"#)))
        #expect(!hosts.allowed && hosts.message?.contains("IngressHostConflict") == true)

        let unreadable = Self.verdict(kind, Self.request(kind, object: try Self.cluster(spec: #""three""#)))
        #expect(!unreadable.allowed && unreadable.message?.contains("cannot be read as a IPFSCluster") == true)
    }

    @Test func updatesThatKeepTheSpecOfAViolatingObjectAreAllowedSoDeletionNeverWedges() throws {
        let kind = IPFSCluster.declaration
        let violating = try Self.cluster(spec: #"{"replicas":1000}"#)
        var withoutFinalizer = violating
        withoutFinalizer["metadata"]?["finalizers"] = .array([])
        let finalizerRemoval = Self.verdict(kind, Self.request(kind, operation: .update, object: withoutFinalizer, old: violating))
        #expect(finalizerRemoval.allowed)
        #expect(finalizerRemoval.warnings.first?.contains("already violates") == true)

        let worse = Self.verdict(
            kind, Self.request(kind, operation: .update, object: try Self.cluster(spec: #"{"replicas":2000}"#), old: violating))
        #expect(!worse.allowed)

        let intoViolation = Self.verdict(
            kind, Self.request(kind, operation: .update, object: violating, old: try Self.cluster()))
        #expect(!intoViolation.allowed)
    }

    @Test func deletesStatusAndOtherOperationsAreNeverJudged() throws {
        let kind = IPFSCluster.declaration
        let violating = try Self.cluster(spec: #"{"replicas":1000}"#)
        #expect(Self.verdict(kind, Self.request(kind, operation: .delete, object: nil, old: violating)).allowed)
        #expect(Self.verdict(kind, Self.request(kind, operation: .update, object: violating, subResource: "status")).allowed)
        #expect(Self.verdict(kind, Self.request(kind, operation: .connect, object: violating)).allowed)
        #expect(!Self.verdict(kind, Self.request(kind, object: nil)).allowed)
    }

    @Test func tenantsAreRefusedForEveryTenantSpecError() throws {
        let kind = Tenant.declaration
        func tenant(_ name: String, _ spec: String) throws -> JSONValue {
            try Self.json(#"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"Tenant","metadata":{"name":"\#(name)"},"spec":\#(spec)}"#)
        }
        #expect(Self.verdict(kind, Self.request(kind, namespace: nil, object: try tenant("acme", "{}"))).allowed)
        let system = Self.verdict(kind, Self.request(kind, namespace: nil, object: try tenant("acme", #"{"namespace":"kube-system"}"#)))
        #expect(!system.allowed && system.message?.contains("is reserved") == true)
        let ours = Self.verdict(kind, Self.request(kind, namespace: nil, object: try tenant("ops", #"{"namespace":"quartermaster-system"}"#)))
        #expect(!ours.allowed)
        let owner = Self.verdict(kind, Self.request(kind, namespace: nil, object: try tenant("acme", #"{"owners":[{"kind":"User","name":""}]}"#)))
        #expect(!owner.allowed && owner.message?.contains("spec.owners[0].name must not be empty") == true)
        let quota = Self.verdict(kind, Self.request(kind, namespace: nil, object: try tenant("acme", #"{"quota":{"cpu":"-1"}}"#)))
        #expect(!quota.allowed, "\(quota)")
    }

    @Test func resourcesAreRefusedForTemplatesParametersAndNames() throws {
        let kind = Resource.declaration
        func resource(_ name: String, _ spec: String) throws -> JSONValue {
            try Self.json(#"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"Resource","metadata":{"name":"\#(name)","namespace":"acme"},"spec":\#(spec)}"#)
        }
        #expect(Self.verdict(kind, Self.request(kind, object: try resource("files", #"{"template":"small-storage"}"#))).allowed)
        let unknown = Self.verdict(kind, Self.request(kind, object: try resource("files", #"{"template":"nope"}"#)))
        #expect(!unknown.allowed && unknown.message?.contains("UnknownTemplate") == true)
        let parameters = Self.verdict(
            kind, Self.request(kind, object: try resource("files", #"{"template":"small-storage","parameters":{"size":"900Ti"}}"#)))
        #expect(!parameters.allowed && parameters.message?.contains("InvalidParameters") == true)
        let long = String(repeating: "a", count: 63)
        let tooLong = Self.verdict(kind, Self.request(kind, object: try resource(long, #"{"template":"small-storage"}"#)))
        #expect(!tooLong.allowed && tooLong.message?.contains("at most 52 characters") == true)
        let reserved = Self.verdict(kind, Self.request(kind, object: try resource("quartermaster-x", #"{"template":"small-storage"}"#)))
        #expect(!reserved.allowed)
    }

    @Test func theTenantPolicySeamGetsTheNamespacesTenantFromTheCache() throws {
        let namespaces = Store<Namespace>()
        let tenants = Store<Tenant>()
        var tenant = Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec())
        tenant.metadata.uid = "t-1"
        _ = tenants.upsert(tenant)
        _ = namespaces.upsert(
            Namespace(metadata: ObjectMeta(name: "acme", labels: [TenantLabels.tenant: "acme"], annotations: [TenantLabels.tenantUID: "t-1"])))
        // Labelled by someone else, without the operator's marker: no tenant's.
        _ = namespaces.upsert(Namespace(metadata: ObjectMeta(name: "fake", labels: [TenantLabels.tenant: "acme"])))
        let lookup = TenantLookup(namespaces: namespaces, tenants: tenants)
        #expect(lookup.tenant(forNamespace: "acme")?.metadata.uid == "t-1")
        #expect(lookup.tenant(forNamespace: "fake") == nil)
        #expect(lookup.tenant(forNamespace: "other") == nil)

        let admission = KindAdmission(
            bounds: { _ in [] },
            tenantPolicy: { input, tenant in input.namespace == "acme" && tenant.metadata.name == "acme" ? ["policy says no"] : [] })
        let denied = QuartermasterAdmission.verdict(
            for: Self.request(IPFSCluster.declaration, object: try Self.cluster()), kind: IPFSCluster.resource,
            admission: admission, tenants: lookup, operatorNamespace: nil)
        #expect(!denied.allowed && denied.message?.hasSuffix("policy says no") == true)
        tenant.metadata.uid = "t-2"
        _ = tenants.upsert(tenant)
        #expect(lookup.tenant(forNamespace: "acme") == nil)
    }

    /// The kinds that run workloads judge them against the namespace's Tenant's policy, as their
    /// reconcilers do: an IPFSCluster by its spec, a Resource by the child its template builds.
    @Test func workloadsAreRefusedForTheirTenantsPolicy() throws {
        let namespaces = Store<Namespace>()
        let tenants = Store<Tenant>()
        var tenant = Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec())
        tenant.metadata.uid = "t-1"
        _ = tenants.upsert(tenant)
        _ = namespaces.upsert(
            Namespace(metadata: ObjectMeta(name: "acme", labels: [TenantLabels.tenant: "acme"], annotations: [TenantLabels.tenantUID: "t-1"])))
        let lookup = TenantLookup(namespaces: namespaces, tenants: tenants)

        let tolerating = try Self.cluster(spec: #"{"replicas":1,"tolerations":[{"operator":"Exists"}]}"#)
        let refused = Self.verdict(IPFSCluster.declaration, Self.request(IPFSCluster.declaration, object: tolerating), tenants: lookup)
        #expect(!refused.allowed)
        #expect(refused.message?.contains("PolicyViolation: spec.tolerations[0]") == true, "\(refused)")
        // The same spec outside any tenant's namespace: no policy.
        #expect(Self.verdict(IPFSCluster.declaration, Self.request(IPFSCluster.declaration, object: tolerating)).allowed)
        #expect(
            Self.verdict(IPFSCluster.declaration, Self.request(IPFSCluster.declaration, object: try Self.cluster()), tenants: lookup)
                .allowed)

        let resource = try Self.json(
            #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"Resource","metadata":{"name":"files","namespace":"acme"},"spec":{"template":"small-storage"}}"#)
        #expect(Self.verdict(Resource.declaration, Self.request(Resource.declaration, object: resource), tenants: lookup).allowed)
        tenant.spec.policy = TenantPolicy(registries: ["registry.example.com"])
        _ = tenants.upsert(tenant)
        let image = Self.verdict(Resource.declaration, Self.request(Resource.declaration, object: resource), tenants: lookup)
        #expect(!image.allowed)
        #expect(image.message?.contains("PolicyViolation") == true && image.message?.contains("registry.example.com") == true, "\(image)")
    }
}
