import Foundation
import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

/// `AppDeploymentValidation`: the contract's rules the schema cannot state, as a table, and
/// the same findings refused by the admission webhook.
@Suite struct AppDeploymentValidationTests {
    static let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)

    static func spec(_ change: (inout AppDeploymentSpec) -> Void) -> AppDeploymentSpec {
        var spec = AppDeploymentSpec(image: "ghcr.io/acme/web:1.4")
        change(&spec)
        return spec
    }

    static let volume = AppDeploymentSpec.Volume(size: "1Gi", mountPath: "/data")

    /// (case, spec, the findings' beginnings; empty: valid)
    static let table: [(String, AppDeploymentSpec, [String])] = [
        ("plain", spec { _ in }, []),
        ("digest", spec { $0.image = "ghcr.io/acme/web@\(digest)" }, []),
        ("tag and digest", spec { $0.image = "localhost:5000/web:1.4@\(digest)" }, []),
        ("short digest", spec { $0.image = "ghcr.io/acme/web@sha256:abc" }, ["spec.image: \"ghcr.io/acme/web@sha256:abc\" is not an image reference"]),
        ("md5 digest", spec { $0.image = "web@md5:" + String(repeating: "a", count: 32) }, ["spec.image:"]),
        ("empty path component", spec { $0.image = "ghcr.io//web:1" }, ["spec.image:"]),
        ("whitespace", spec { $0.image = "web 1" }, ["spec.image:"]),
        ("empty tag", spec { $0.image = "web:" }, ["spec.image:"]),
        ("no image", spec { $0.image = "" }, ["spec.image: an image is required"]),
        ("RWO volume, one replica", spec { $0.volume = volume }, []),
        ("RWO volume, two replicas", spec { $0.volume = volume; $0.replicas = 2 }, ["spec.replicas: 2 with a ReadWriteOnce volume"]),
        ("RWO volume, autoscaling", spec { $0.volume = volume; $0.autoscaling = .init(maxReplicas: 1) },
         ["spec.autoscaling: not with a ReadWriteOnce volume"]),
        ("RWX volume, autoscaling and replicas", spec {
            $0.volume = .init(size: "1Gi", mountPath: "/data", accessMode: .readWriteMany)
            $0.replicas = 3
            $0.autoscaling = .init(minReplicas: 2, maxReplicas: 4)
        }, []),
        ("volume size and path", spec { $0.volume = .init(size: "lots", mountPath: "data") },
         ["spec.volume.size: \"lots\" is not a quantity", "spec.volume.mountPath: \"data\" is not an absolute path"]),
        ("min above max", spec { $0.autoscaling = .init(minReplicas: 5, maxReplicas: 2) },
         ["spec.autoscaling: minReplicas 5 is greater than maxReplicas 2"]),
        ("autoscaling bounds", spec { $0.autoscaling = .init(minReplicas: 0, maxReplicas: 101, targetCPUUtilizationPercentage: 0) },
         ["spec.autoscaling.minReplicas: 0 is outside 1...100", "spec.autoscaling.maxReplicas: 101 is outside 1...100",
          "spec.autoscaling.targetCPUUtilizationPercentage: 0 is outside 1...100"]),
        ("bounds of an older schema", spec {
            $0.port = 0; $0.replicas = 101; $0.revisionHistoryLimit = 0; $0.progressDeadlineSeconds = 5
        }, ["spec.port: 0 is outside 1...65535", "spec.replicas: 101 is outside 0...100", "spec.revisionHistoryLimit: 0 is outside 1...100",
            "spec.progressDeadlineSeconds: 5 is outside 10...3600"]),
        ("DATABASE_URL without a database", spec { $0.env = [EnvVar(name: "DATABASE_URL", value: "x")] }, []),
        ("DATABASE_URL with a database", spec {
            $0.database = .init(template: "postgres-small"); $0.env = [EnvVar(name: "DATABASE_URL", value: "x")]
        }, ["spec.env[0].name: DATABASE_URL is set by the operator because of spec.database"]),
        ("IPFS names with ipfs", spec {
            $0.ipfs = .init(cluster: "node")
            $0.env = [EnvVar(name: "A", value: "1"), EnvVar(name: "IPFS_API", value: "x"), EnvVar(name: "IPFS_API_URL", value: "y")]
        }, ["spec.env[1].name: IPFS_API is set by the operator because of spec.ipfs",
            "spec.env[2].name: IPFS_API_URL is set by the operator because of spec.ipfs"]),
        ("IPFS names without ipfs", spec { $0.env = [EnvVar(name: "IPFS_API", value: "x")] }, []),
        ("value and valueFrom, twice", spec {
            $0.env = [EnvVar(name: "A", value: "1", valueFrom: .init(fieldRef: .init(fieldPath: "metadata.name"))), EnvVar(name: "A", value: "2")]
        }, ["spec.env[0]: A has both value and valueFrom", "spec.env[1].name: A is set twice"]),
        ("a host", spec { $0.expose.host = "web.apps.example.com"; $0.expose.tls = .init(secretName: "web-tls") }, []),
        ("a wildcard host", spec { $0.expose.host = "*.apps.example.com" }, ["spec.expose.host: wildcard hosts are not accepted"]),
        ("an IP host", spec { $0.expose.host = "10.0.0.1" }, ["spec.expose.host: the host is an IP address"]),
        ("TLS and class without a host", spec { $0.expose.tls = .init(issuer: "le"); $0.expose.ingressClassName = "nginx" },
         ["spec.expose.tls: TLS applies to the Ingress", "spec.expose.ingressClassName: applies to the Ingress"]),
        ("empty TLS", spec { $0.expose.host = "web.example.com"; $0.expose.tls = .init() }, ["spec.expose.tls: name a secretName, an issuer, or both"]),
        ("relative path", spec { $0.expose.path = "app" }, ["spec.expose.path: \"app\" is not an absolute path"]),
        ("not a database template", spec { $0.database = .init(template: "small-storage") },
         ["spec.database.template: \"small-storage\" is not a database template"]),
        ("rollback to 0", spec { $0.rollbackTo = .init(revision: 0) }, ["spec.rollbackTo.revision: 0 is not a revision"]),
        ("rollback to 3", spec { $0.rollbackTo = .init(revision: 3) }, []),
    ]

    @Test(arguments: table.indices)
    func findings(index: Int) {
        let (name, spec, expected) = Self.table[index]
        let found = AppDeploymentValidation.violations(of: spec)
        #expect(found.count == expected.count, "\(name): \(found)")
        for (finding, beginning) in zip(found, expected) {
            #expect(finding.hasPrefix(beginning), "\(name): \(finding) should begin with \(beginning)")
        }
    }

    @Test func reservedNamesFollowTheBindings() {
        #expect(AppDeploymentValidation.reservedEnvNames(for: Self.spec { _ in }) == [])
        #expect(AppDeploymentValidation.reservedEnvNames(for: Self.spec { $0.database = .init(template: "postgres-small") }) == ["DATABASE_URL"])
        #expect(AppDeploymentValidation.reservedEnvNames(for: Self.spec {
            $0.database = .init(template: "postgres-small"); $0.ipfs = .init(cluster: "n")
        }) == ["DATABASE_URL", "IPFS_API", "IPFS_API_URL"])
    }

    @Test func imagesAreTakenApart() throws {
        let tagged = try #require(AppDeploymentImage("localhost:5000/acme/web:1.4"))
        #expect(tagged.repository == "localhost:5000/acme/web" && tagged.tag == "1.4" && tagged.digest == nil)
        #expect(tagged.pinned(to: Self.digest) == "localhost:5000/acme/web@\(Self.digest)")
        let pinned = try #require(AppDeploymentImage("nginx@\(Self.digest)"))
        #expect(pinned.repository == "nginx" && pinned.tag == nil && pinned.digest == Self.digest)
        let port = try #require(AppDeploymentImage("localhost:5000/web"))
        #expect(port.repository == "localhost:5000/web" && port.tag == nil)
        #expect(AppDeploymentImage("nginx@sha256:" + String(repeating: "A", count: 64)) == nil)
    }

    @Test func problemsIncludeTheTenantPolicy() {
        var deployment = AppDeployment(metadata: ObjectMeta(name: "web", namespace: "acme"), spec: Self.spec {
            $0.expose.host = "web.other.example"
            $0.expose.serviceType = .loadBalancer
        })
        deployment.metadata.uid = "u"
        let tenant = TenantEnforcement(
            tenant: "acme", suspended: false,
            policy: TenantPolicy(exposureTypes: ["ClusterIP", "Ingress"], hostSuffixes: ["apps.example.com"], registries: ["ghcr.io/acme"]))
        let problems = AppDeploymentValidation.problems(of: deployment, tenant: tenant)
        #expect(problems.map(\.reason) == [.policyViolation])
        let message = problems.first?.message ?? ""
        #expect(message.contains("spec.expose.serviceType") && message.contains("spec.expose"), "\(message)")
        #expect(message.contains("web.other.example"), "\(message)")
        deployment.spec.expose = .init(serviceType: .clusterIP, host: "web.apps.example.com")
        #expect(AppDeploymentValidation.problems(of: deployment, tenant: tenant) == [])
        deployment.spec.image = "docker.io/evil/web:1"
        #expect(AppDeploymentValidation.problems(of: deployment, tenant: tenant).map(\.reason) == [.policyViolation])
    }

    @Test func thePolicySubjectNamesEveryFieldPolicyRulesOn() {
        let plain = Self.spec { _ in }.policySubject
        #expect(plain.images == [.init(field: "spec.image", reference: "ghcr.io/acme/web:1.4")])
        #expect(plain.volumes == [] && plain.ingresses == [])
        #expect(plain.exposures == [.init(field: "spec.expose.serviceType", type: "ClusterIP")])
        let full = Self.spec {
            $0.expose = .init(serviceType: .nodePort, host: "web.apps.example.com", ingressClassName: "nginx")
            $0.volume = .init(size: "1Gi", storageClassName: "fast", mountPath: "/data")
        }.policySubject
        #expect(full.exposures == [
            .init(field: "spec.expose.serviceType", type: "NodePort"), .init(field: "spec.expose.host", type: "Ingress"),
        ])
        #expect(full.ingresses == [.init(field: "spec.expose", className: "nginx", host: "web.apps.example.com")])
        #expect(full.volumes == [.init(field: "spec.volume", storageClassName: "fast")])
        #expect(Self.spec { $0.expose.serviceType = .loadBalancer }.policySubject.loadBalancers == 1)
    }

    // MARK: Admission

    static func object(_ spec: String) throws -> JSONValue {
        try QuartermasterAdmissionTests.json(
            #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"Deployment","metadata":{"name":"web","namespace":"acme","uid":"d-1"},"spec":\#(spec)}"#)
    }

    @Test func admissionRefusesWhatValidationFinds() throws {
        let kind = AppDeployment.declaration
        let ok = QuartermasterAdmissionTests.verdict(
            kind, QuartermasterAdmissionTests.request(kind, object: try Self.object(#"{"image":"ghcr.io/acme/web:1.4"}"#)))
        #expect(ok.allowed, "\(ok)")
        let rwo = QuartermasterAdmissionTests.verdict(
            kind,
            QuartermasterAdmissionTests.request(
                kind, object: try Self.object(#"{"image":"ghcr.io/acme/web:1.4","replicas":2,"volume":{"size":"1Gi","mountPath":"/data"}}"#)))
        #expect(!rwo.allowed)
        #expect(rwo.message?.contains("InvalidSpec: spec.replicas: 2 with a ReadWriteOnce volume") == true, "\(rwo)")
        let unknown = QuartermasterAdmissionTests.verdict(
            kind, QuartermasterAdmissionTests.request(kind, object: try Self.object(#"{"image":"a","expose":{"serviceType":"Route"}}"#)))
        #expect(!unknown.allowed && unknown.message?.contains("spec.expose.serviceType: unknown value") == true, "\(unknown)")
    }

    @Test func admissionJudgesTheTenantsPolicy() throws {
        let namespaces = Store<Namespace>()
        let tenants = Store<Tenant>()
        var tenant = Tenant(metadata: ObjectMeta(name: "acme"), spec: TenantSpec())
        tenant.metadata.uid = "t-1"
        tenant.spec.policy = TenantPolicy(registries: ["registry.example.com"])
        _ = tenants.upsert(tenant)
        _ = namespaces.upsert(
            Namespace(metadata: ObjectMeta(name: "acme", labels: [TenantLabels.tenant: "acme"], annotations: [TenantLabels.tenantUID: "t-1"])))
        let lookup = TenantLookup(namespaces: namespaces, tenants: tenants)
        let kind = AppDeployment.declaration
        let refused = QuartermasterAdmissionTests.verdict(
            kind, QuartermasterAdmissionTests.request(kind, object: try Self.object(#"{"image":"ghcr.io/acme/web:1.4"}"#)), tenants: lookup)
        #expect(!refused.allowed && refused.message?.contains("PolicyViolation: spec.image") == true, "\(refused)")
        let allowed = QuartermasterAdmissionTests.verdict(
            kind, QuartermasterAdmissionTests.request(kind, object: try Self.object(#"{"image":"registry.example.com/web:1"}"#)),
            tenants: lookup)
        #expect(allowed.allowed, "\(allowed)")
    }
}
