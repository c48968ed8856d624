import Foundation
import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

/// The PostgresInstance webhook refuses what its reconciler would stall on, with the reason.
@Suite struct PostgresInstanceAdmissionTests {
    typealias A = QuartermasterAdmissionTests
    static let kind = PostgresInstance.declaration

    static func instance(name: String = "orders", spec: String = "{}", status: String? = nil) throws -> JSONValue {
        let status = status.map { #","status":\#($0)"# } ?? ""
        return try A.json(
            #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"PostgresInstance","metadata":{"name":"\#(name)","namespace":"acme","uid":"p-1"},"spec":\#(spec)\#(status)}"#)
    }

    static func verdict(_ spec: String, tenants: TenantLookup = .none) throws -> AdmissionVerdict {
        A.verdict(kind, A.request(kind, object: try instance(spec: spec)), tenants: tenants)
    }

    @Test func theDefaultsAreAllowed() throws {
        #expect(try Self.verdict("{}").allowed)
        #expect(try Self.verdict(#"{"instances":3,"parameters":{"work_mem":"64MB"},"pooler":{"enabled":true}}"#).allowed)
    }

    @Test(arguments: [
        (#"{"parameters":{"listen_addresses":"*"}}"#, "InvalidParameters: parameters.listen_addresses: set by the operator"),
        (#"{"pgHBA":["host all all 0.0.0.0/0 trust"]}"#, "InvalidParameters: pgHBA[0]: the trust method"),
        (#"{"owner":"postgres"}"#, "InvalidParameters: owner: \"postgres\" is reserved"),
        (#"{"database":"Shop"}"#, "InvalidParameters: database: \"Shop\" is not a PostgreSQL identifier"),
        (#"{"instances":12}"#, "InvalidSpec: instances: 12 is out of range; 1 to 9"),
        (#"{"postgresVersion":14}"#, "InvalidSpec: spec.postgresVersion: unknown value \"14\""),
        (#"{"storage":{"size":"lots"}}"#, "InvalidSpec: storage.size: \"lots\" is not a quantity"),
    ])
    func refused(spec: String, message: String) throws {
        let verdict = try Self.verdict(spec)
        #expect(!verdict.allowed && verdict.code == 422)
        #expect(verdict.message?.contains("PostgresInstance acme/orders is refused: \(message)") == true, "\(verdict)")
    }

    @Test func aReservedNameIsRefused() throws {
        let verdict = A.verdict(Self.kind, A.request(Self.kind, object: try Self.instance(name: "quartermaster-db")))
        #expect(!verdict.allowed && verdict.message?.contains("reserved") == true)
    }

    @Test func theMajorVersionOfARunningInstanceCannotChange() throws {
        let running = try Self.instance(spec: #"{"postgresVersion":16}"#, status: #"{"postgresVersion":16}"#)
        let upgraded = try Self.instance(spec: #"{"postgresVersion":17}"#, status: #"{"postgresVersion":16}"#)
        let refused = A.verdict(Self.kind, A.request(Self.kind, operation: .update, object: upgraded, old: running))
        #expect(!refused.allowed)
        #expect(refused.message?.contains("MajorVersionChange: spec.postgresVersion 17 differs from the running major version 16") == true, "\(refused)")
        // Back to the running major (a spec changed while the webhook was away) is allowed.
        let back = A.verdict(Self.kind, A.request(Self.kind, operation: .update, object: running, old: upgraded))
        #expect(back.allowed, "\(back)")
        // Before any instance ran, the version may change.
        let fresh = try Self.instance(spec: #"{"postgresVersion":16}"#)
        let changed = try Self.instance(spec: #"{"postgresVersion":15}"#)
        #expect(A.verdict(Self.kind, A.request(Self.kind, operation: .update, object: changed, old: fresh)).allowed)
    }

    @Test func theTenantsPolicyJudgesImagesExposureAndScheduling() throws {
        let namespaces = Store<Namespace>()
        let tenants = Store<Tenant>()
        var tenant = Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec())
        tenant.metadata.uid = "t-1"
        _ = tenants.upsert(tenant)
        _ = namespaces.upsert(
            Namespace(metadata: ObjectMeta(name: "acme", labels: [TenantLabels.tenant: "acme"], annotations: [TenantLabels.tenantUID: "t-1"])))
        let lookup = TenantLookup(namespaces: namespaces, tenants: tenants)

        let plain = try Self.verdict("{}", tenants: lookup)
        #expect(plain.allowed, "\(plain)")
        // The free tier allows no LoadBalancer.
        let exposed = try Self.verdict(#"{"exposure":{"type":"LoadBalancer"}}"#, tenants: lookup)
        #expect(!exposed.allowed && exposed.message?.contains("PolicyViolation: spec.exposure.type") == true, "\(exposed)")
        let tolerating = try Self.verdict(#"{"tolerations":[{"operator":"Exists"}]}"#, tenants: lookup)
        #expect(!tolerating.allowed && tolerating.message?.contains("PolicyViolation: spec.tolerations[0]") == true)

        tenant.spec.policy = TenantPolicy(registries: ["registry.example.com"])
        _ = tenants.upsert(tenant)
        let image = try Self.verdict("{}", tenants: lookup)
        #expect(!image.allowed && image.message?.contains("spec.image") == true, "\(image)")
        #expect(try Self.verdict(#"{"image":"registry.example.com/postgres:16"}"#, tenants: lookup).allowed)
        // The pooler's image is judged as well.
        let pooled = try Self.verdict(#"{"image":"registry.example.com/postgres:16","pooler":{"enabled":true}}"#, tenants: lookup)
        #expect(!pooled.allowed && pooled.message?.contains("spec.pooler.enabled") == true, "\(pooled)")
    }
}
