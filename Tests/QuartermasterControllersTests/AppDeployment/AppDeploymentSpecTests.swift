import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// `AppDeploymentSpec` and `AppDeploymentStatus` decode as the contract writes them, fill the
/// schema's defaults, and keep an unknown enum value as a finding instead of failing.
@Suite struct AppDeploymentSpecTests {
    static func decode(_ spec: String) throws -> AppDeployment {
        try KubeJSON.decode(
            AppDeployment.self,
            from: Data(#"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"Deployment","metadata":{"name":"web","namespace":"acme","uid":"u"},"spec":\#(spec)}"#.utf8))
    }

    @Test func omittedFieldsTakeTheDocumentedDefaults() throws {
        let spec = try Self.decode(#"{"image":"ghcr.io/acme/web:1.4"}"#).spec
        #expect(spec.image == "ghcr.io/acme/web:1.4")
        #expect(spec.imagePullSecrets == [] && spec.env == [] && spec.envFrom == [])
        #expect(spec.port == 8080 && spec.replicas == 1)
        #expect(spec.command == nil && spec.args == nil && spec.autoscaling == nil && spec.healthCheck == nil)
        #expect(spec.resources == AppDeploymentSpec.ResourceRequirements(
            requests: ["cpu": "100m", "memory": "128Mi"], limits: ["cpu": "500m", "memory": "256Mi"]))
        #expect(spec.expose == AppDeploymentSpec.Expose(serviceType: .clusterIP, host: nil, path: "/"))
        #expect(spec.database == nil && spec.volume == nil && spec.ipfs == nil && spec.rollbackTo == nil)
        #expect(!spec.suspended && spec.revisionHistoryLimit == 10 && spec.progressDeadlineSeconds == 600)
        #expect(spec.unrecognizedValues.isEmpty)
        #expect(spec == AppDeploymentSpec(image: "ghcr.io/acme/web:1.4"))
    }

    @Test func theContractsExampleDecodes() throws {
        let spec = try Self.decode(
            #"""
            {"image":"ghcr.io/acme/web:1.4","imagePullSecrets":["regcred"],"port":9000,"command":["/app/server"],"args":["--flag"],
             "env":[{"name":"MODE","value":"prod"},{"name":"TOKEN","valueFrom":{"secretKeyRef":{"name":"t","key":"token"}}}],
             "envFrom":[{"configMapRef":{"name":"cfg"},"prefix":"APP_"}],
             "resources":{"requests":{"cpu":1,"memory":"64Mi"}},
             "replicas":2,"autoscaling":{"maxReplicas":5},"healthCheck":{"path":"/healthz"},
             "expose":{"serviceType":"LoadBalancer","host":"web.apps.example.com","ingressClassName":"nginx","tls":{"issuer":"letsencrypt"}},
             "database":{"template":"postgres-small","parameters":{"size":"5Gi"}},
             "volume":{"size":"1Gi","storageClassName":"fast","mountPath":"/data","accessMode":"ReadWriteMany"},
             "ipfs":{"cluster":"node"},"suspended":true,"revisionHistoryLimit":3,"progressDeadlineSeconds":60,"rollbackTo":{"revision":2}}
            """#
        ).spec
        #expect(spec.imagePullSecrets == ["regcred"] && spec.port == 9000)
        #expect(spec.command == ["/app/server"] && spec.args == ["--flag"])
        #expect(spec.env == [
            EnvVar(name: "MODE", value: "prod"), EnvVar.secret("TOKEN", secretName: "t", key: "token"),
        ])
        #expect(spec.envFrom == [EnvFromSource(prefix: "APP_", configMapRef: .init(name: "cfg"))])
        #expect(spec.resources.requests == ["cpu": "1", "memory": "64Mi"] && spec.resources.limits == nil)
        #expect(spec.autoscaling == .init(minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80))
        #expect(spec.healthCheck?.path == "/healthz")
        #expect(spec.expose.serviceType == .loadBalancer && spec.expose.host == "web.apps.example.com")
        #expect(spec.expose.ingressClassName == "nginx" && spec.expose.tls == .init(issuer: "letsencrypt") && spec.expose.path == "/")
        #expect(spec.database?.template == "postgres-small" && spec.database?.parameters?.size == Quantity(parsing: "5Gi"))
        #expect(spec.volume == .init(size: "1Gi", storageClassName: "fast", mountPath: "/data", accessMode: .readWriteMany))
        #expect(spec.ipfs?.cluster == "node" && spec.suspended && spec.revisionHistoryLimit == 3)
        #expect(spec.progressDeadlineSeconds == 60 && spec.rollbackTo?.revision == 2)
        // Encoding and decoding again gives the same spec (unknownValues are never encoded).
        #expect(try KubeJSON.decode(AppDeploymentSpec.self, from: KubeJSON.encode(spec)) == spec)
    }

    @Test(arguments: [
        (#"{"image":"a","expose":{"serviceType":"ExternalName"}}"#, "spec.expose.serviceType: unknown value \"ExternalName\""),
        (#"{"image":"a","volume":{"size":"1Gi","mountPath":"/d","accessMode":"ReadOnlyMany"}}"#,
         "spec.volume.accessMode: unknown value \"ReadOnlyMany\""),
    ])
    func unknownEnumValuesDecodeAndAreFindings(spec: String, message: String) throws {
        let deployment = try Self.decode(spec)
        #expect(deployment.spec.unrecognizedValues.count == 1)
        #expect(deployment.spec.unrecognizedValues.first?.hasPrefix(message) == true, "\(deployment.spec.unrecognizedValues)")
        let problems = AppDeploymentValidation.problems(of: deployment)
        #expect(problems.map(\.reason) == [.invalidSpec])
        #expect(problems.first?.message.contains(message) == true)
    }

    @Test func aMissingSpecIsEveryDefaultWithoutAnImage() throws {
        let deployment = try KubeJSON.decode(
            AppDeployment.self, from: Data(#"{"metadata":{"name":"web","namespace":"acme"}}"#.utf8))
        #expect(deployment.spec == AppDeploymentSpec())
        #expect(AppDeploymentValidation.violations(of: deployment.spec) == ["spec.image: an image is required"])
    }

    /// The schema's defaults are the Swift defaults (one fact: if one changes, this fails).
    @Test func schemaDefaultsAreTheDecodingDefaults() throws {
        let schema = AppDeploymentSpec.schema
        let spec = AppDeploymentSpec()
        #expect(schema.property(at: "port")?.defaultValue == .int(Int64(spec.port)))
        #expect(schema.property(at: "replicas")?.defaultValue == .int(Int64(spec.replicas)))
        #expect(schema.property(at: "revisionHistoryLimit")?.defaultValue == .int(Int64(spec.revisionHistoryLimit)))
        #expect(schema.property(at: "progressDeadlineSeconds")?.defaultValue == .int(Int64(spec.progressDeadlineSeconds)))
        #expect(schema.property(at: "expose.serviceType")?.defaultValue == .string(spec.expose.serviceType.rawValue))
        #expect(schema.property(at: "expose.path")?.defaultValue == .string(spec.expose.path))
        #expect(schema.property(at: "volume.accessMode")?.defaultValue == .string("ReadWriteOnce"))
        #expect(schema.property(at: "autoscaling.minReplicas")?.defaultValue == .int(1))
        #expect(schema.property(at: "autoscaling.targetCPUUtilizationPercentage")?.defaultValue == .int(80))
        let resources = try #require(schema.property(at: "resources")?.defaultValue)
        #expect(try KubeJSON.decode(AppDeploymentSpec.ResourceRequirements.self, from: KubeJSON.encode(resources)) == spec.resources)
        // Exactly one of image and source: validation's, not the schema's.
        #expect(schema.required == nil)
        #expect(schema.property(at: "database.template")?.enumValues == ["postgres-medium", "postgres-small"])
        #expect(schema.property(at: "expose.serviceType")?.enumValues == ["ClusterIP", "NodePort", "LoadBalancer"])
    }

    @Test func theKindIsDeclaredAsTheContractNamesIt() throws {
        let crd = AppDeployment.customResourceDefinition
        #expect(crd.resource == ResourceDescriptor(
            group: "quartermaster.dev", version: "v1alpha1", kind: "Deployment", plural: "deployments", namespaced: true))
        #expect(crd.singular == "deployment" && crd.shortNames == ["qdeploy"] && crd.categories == ["quartermaster"])
        #expect(crd.scale == nil)
        #expect(crd.printerColumns.map(\.name) == ["Phase", "Progress", "Revision", "URL", "Age", "Image"])
        #expect(crd.printerColumns.map(\.priority) == [nil, nil, nil, nil, nil, 1])
        #expect(crd.printerColumns.first { $0.name == "Progress" }?.jsonPath == ".status.progress")
        let yaml = try crd.yaml()
        #expect(yaml.contains("jsonPath: .status.image.digest\n") && yaml.contains("priority: 1\n"))
        #expect(AppDeployment.declaration.health == KindHealth(suspendedBySpec: true, suspendedPhase: false))
        #expect(QuartermasterKinds.all.contains { $0.resource == AppDeployment.resource })
        // The controller comes with branch drec.
        #expect(AppDeployment.declaration.aggregatedRoles == .workload && AppDeployment.declaration.tenantOwners == .manage)
    }

    @Test func theIngressHostIsClaimed() {
        var spec = AppDeploymentSpec(image: "a")
        #expect(spec.claimedHosts.isEmpty)
        spec.expose.host = "web.apps.example.com"
        #expect(spec.claimedHosts.map(\.value) == ["web.apps.example.com"])
        spec.expose.host = "*.apps.example.com"
        #expect(spec.claimedHosts.isEmpty)
    }

    @Test func statusRoundTripsWithHistory() throws {
        let digest = "sha256:" + String(repeating: "a", count: 64)
        let status = AppDeploymentStatus(
            observedGeneration: 4, phase: .exposed, revision: 3, url: "https://web.apps.example.com", ip: "203.0.113.7",
            image: .init(reference: "ghcr.io/acme/web:1.4", digest: digest), replicas: 2, availableReplicas: 2,
            database: .init(resource: "web-db", secretName: "web-db-app", ready: true),
            history: [
                .init(revision: 2, image: "ghcr.io/acme/web:1.3", digest: digest, templateHash: "0123456789abcdef",
                      deployedAt: "2026-12-01T10:00:00Z", outcome: .superseded, reason: "", message: ""),
                .init(revision: 3, image: "ghcr.io/acme/web:1.4", digest: digest, templateHash: "0123456789abcdef",
                      deployedAt: "2026-12-02T10:00:00Z", outcome: .healthy),
            ])
        let json = try KubeJSON.encode(status)
        #expect(try KubeJSON.decode(AppDeploymentStatus.self, from: json) == status)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""outcome":"Superseded""#) && text.contains(#""phase":"Exposed""#))
        #expect(AppDeploymentStatus.Phase.allCases.map(\.rawValue) == [
            "Queued", "Analyzing", "Building", "Provisioning", "Deploying", "Healthy", "Exposed", "Failed", "RollingBack",
        ])
        #expect(AppDeploymentStatus.HistoryEntry.Outcome.allCases.map(\.rawValue) == [
            "Deploying", "Healthy", "Failed", "RolledBack", "Superseded",
        ])
    }
}
