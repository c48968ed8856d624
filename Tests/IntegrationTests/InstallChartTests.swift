import Foundation
import QuartermasterControllers
import Testing
import Yams

/// Acceptance tests of the Helm chart with the real Helm engine (PyPI helm-python-sdk, driven
/// by hack/helm-engine.py), and of its consistency with the kustomize install in config/.
@Suite struct InstallChartTests {
    static let chart = "charts/quartermaster"
    static let root = InstallCommandRunner.repositoryRoot

    static let helmEngineAvailable: Bool = {
        (try? InstallCommandRunner.runBlocking("python3", ["-c", "import helm_python"]).status) == 0
    }()
    static let helmSkipMessage: Comment =
        "SKIPPED: Python package helm-python-sdk (module helm_python) is missing; pip install helm-python-sdk"

    /// Generated CRD files in crds/ (kustomization.yaml is not a CRD).
    static func generatedCRDNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("crds").path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }.sorted()
    }

    struct Rendered: Decodable {
        let manifests: [String: String]
    }

    /// Renders the chart into namespace `namespace` and returns every object.
    static func render(values: String = "{}", namespace: String = "quartermaster-system") async throws -> [[String: Any]] {
        let data = try await InstallCommandRunner.output(
            "python3", ["hack/helm-engine.py", "render", chart, namespace, values])
        let rendered = try JSONDecoder().decode(Rendered.self, from: data)
        var objects: [[String: Any]] = []
        for (path, text) in rendered.manifests.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".yaml") {
            for case let object as [String: Any] in try Yams.load_all(yaml: text) {
                objects.append(object)
            }
        }
        return objects
    }

    static func objects(inFile path: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
    }

    static func find(_ objects: [[String: Any]], kind: String, name: String) -> [String: Any]? {
        objects.first { object in
            object["kind"] as? String == kind && (object["metadata"] as? [String: Any])?["name"] as? String == name
        }
    }

    /// Canonical JSON for comparing decoded YAML values.
    static func canonical(_ value: Any?) throws -> String {
        guard let value else { return "null" }
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    static func managerContainer(_ objects: [[String: Any]]) throws -> [String: Any] {
        let deployment = try #require(find(objects, kind: "Deployment", name: "quartermaster-controller-manager"))
        let spec = try #require(deployment["spec"] as? [String: Any])
        let template = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let containers = try #require(template["containers"] as? [[String: Any]])
        return try #require(containers.first { $0["name"] as? String == "manager" })
    }

    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func chartLintsCleanInStrictMode() async throws {
        let data = try await InstallCommandRunner.output("python3", ["hack/helm-engine.py", "lint", Self.chart])
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let messages = report["messages"] as? [[String: Any]] ?? []
        let problems = messages.filter { ($0["severity"] as? Int ?? 3) >= 2 }
        #expect(problems.isEmpty, "lint: \(problems)")
        #expect((report["errors"] as? [Any] ?? []).isEmpty, "lint errors: \(report["errors"] ?? "")")
        #expect(report["total_charts_linted"] as? Int == 1)
    }

    @Test(
        .enabled(
            if: !generatedCRDNames().isEmpty,
            "SKIPPED: crds/ holds no generated CRDs yet, nothing to compare the chart's crds/ with"))
    func chartCRDsAreByteForByteCopiesOfTheGeneratedCRDs() async throws {
        let source = Self.root.appendingPathComponent("crds")
        let copies = Self.root.appendingPathComponent("\(Self.chart)/crds")
        let copyNames = ((try? FileManager.default.contentsOfDirectory(atPath: copies.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(copyNames == Self.generatedCRDNames(), "run hack/generate.sh")
        for name in Self.generatedCRDNames() {
            let original = try Data(contentsOf: source.appendingPathComponent(name))
            let copy = try? Data(contentsOf: copies.appendingPathComponent(name))
            #expect(copy == original, "\(Self.chart)/crds/\(name) differs from crds/\(name): run hack/generate.sh")
        }
    }

    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func chartRBACHasExactlyTheRulesOfConfigRBAC() async throws {
        let rendered = try await Self.render()
        let pairs: [(file: String, kind: String, name: String)] = [
            ("config/rbac/role.yaml", "ClusterRole", "quartermaster-manager-role"),
            ("config/rbac/role_binding.yaml", "ClusterRoleBinding", "quartermaster-manager-rolebinding"),
            ("config/rbac/leader_election_role.yaml", "Role", "quartermaster-leader-election-role"),
            ("config/rbac/leader_election_role_binding.yaml", "RoleBinding", "quartermaster-leader-election-rolebinding"),
            ("config/rbac/aggregated_roles.yaml", "ClusterRole", "quartermaster-admin"),
            ("config/rbac/aggregated_roles.yaml", "ClusterRole", "quartermaster-editor"),
            ("config/rbac/aggregated_roles.yaml", "ClusterRole", "quartermaster-viewer"),
            ("config/rbac/tenant_owner_role.yaml", "ClusterRole", "quartermaster-tenant-owner"),
            ("config/rbac/tenant_owner_role.yaml", "ClusterRole", "quartermaster-tenant-build-reader"),
            ("config/rbac/webhook_role.yaml", "Role", "quartermaster-webhook-role"),
            ("config/rbac/webhook_role.yaml", "RoleBinding", "quartermaster-webhook-rolebinding"),
            ("config/rbac/webhook_role.yaml", "ClusterRole", "quartermaster-webhook-configuration-role"),
            ("config/rbac/webhook_role.yaml", "ClusterRoleBinding", "quartermaster-webhook-configuration-rolebinding"),
        ]
        for pair in pairs {
            let expected = try #require(Self.find(try Self.objects(inFile: pair.file), kind: pair.kind, name: pair.name))
            let actual = try #require(Self.find(rendered, kind: pair.kind, name: pair.name), "chart lacks \(pair.name)")
            for field in ["rules", "roleRef", "subjects"] {
                #expect(
                    try Self.canonical(actual[field]) == Self.canonical(expected[field]),
                    "\(pair.kind) \(pair.name): \(field) differ between the chart and \(pair.file)")
            }
            let labels = (actual["metadata"] as? [String: Any])?["labels"] as? [String: Any] ?? [:]
            for (key, value) in (expected["metadata"] as? [String: Any])?["labels"] as? [String: Any] ?? [:]
            where key.hasPrefix("rbac.authorization.k8s.io/") {
                #expect(labels[key] as? String == value as? String, "\(pair.name) label \(key)")
            }
        }
    }

    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func noRoleUsesWildcards() async throws {
        var roles = try await Self.render()
        for file in [
            "role.yaml", "leader_election_role.yaml", "aggregated_roles.yaml", "tenant_owner_role.yaml", "webhook_role.yaml",
        ] {
            roles += try Self.objects(inFile: "config/rbac/\(file)")
        }
        roles = roles.filter { ["ClusterRole", "Role"].contains($0["kind"] as? String ?? "") }
        #expect(roles.count >= 12)
        for role in roles {
            for rule in role["rules"] as? [[String: Any]] ?? [] {
                for field in ["apiGroups", "resources", "verbs", "resourceNames"] {
                    let values = rule[field] as? [String] ?? []
                    #expect(!values.contains { $0.contains("*") }, "wildcard in \(role["metadata"] ?? ""): \(field)")
                }
            }
        }
    }

    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func defaultValuesRenderAnHARestrictedManager() async throws {
        let objects = try await Self.render()
        let deployment = try #require(Self.find(objects, kind: "Deployment", name: "quartermaster-controller-manager"))
        #expect((deployment["spec"] as? [String: Any])?["replicas"] as? Int == 2)
        let container = try Self.managerContainer(objects)
        let chartYAML = try String(contentsOf: Self.root.appendingPathComponent("\(Self.chart)/Chart.yaml"), encoding: .utf8)
        let appVersion = try #require((try Yams.load(yaml: chartYAML) as? [String: Any])?["appVersion"] as? String)
        #expect(container["image"] as? String == "quartermaster:\(appVersion)")
        let args = container["args"] as? [String] ?? []
        #expect(args.first == "run")
        #expect(args.contains("--leader-elect"))
        #expect(!args.contains("--namespace"))
        let security = try #require(container["securityContext"] as? [String: Any])
        #expect(security["allowPrivilegeEscalation"] as? Bool == false)
        #expect(security["readOnlyRootFilesystem"] as? Bool == true)
        #expect(security["runAsNonRoot"] as? Bool == true)
        #expect(security["runAsUser"] as? Int == 65532)
        #expect((security["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"])
        #expect(Self.find(objects, kind: "Service", name: "quartermaster-controller-manager-metrics") != nil)
        #expect(Self.find(objects, kind: "ServiceMonitor", name: "quartermaster-controller-manager") == nil)
        // Every namespaced object goes into the release namespace.
        let clusterScoped = ["ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration"]
        for object in objects where !clusterScoped.contains(object["kind"] as? String ?? "") {
            #expect((object["metadata"] as? [String: Any])?["namespace"] as? String == "quartermaster-system")
        }
    }

    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func theChartInstallsTheSameWebhookAsConfigWebhook() async throws {
        let rendered = try await Self.render()
        let expected = try #require(
            Self.find(
                try Self.objects(inFile: "config/webhook/validating_webhook_configuration.yaml"),
                kind: "ValidatingWebhookConfiguration", name: "quartermaster-validating-webhook"))
        let actual = try #require(
            Self.find(rendered, kind: "ValidatingWebhookConfiguration", name: "quartermaster-validating-webhook"))
        #expect(try Self.canonical(actual["webhooks"]) == Self.canonical(expected["webhooks"]))
        let service = try #require(Self.find(rendered, kind: "Service", name: "quartermaster-webhook-service"))
        let kustomizeService = try #require(
            Self.find(try Self.objects(inFile: "config/webhook/service.yaml"), kind: "Service", name: "quartermaster-webhook-service"))
        #expect(
            try Self.canonical((service["spec"] as? [String: Any])?["ports"])
                == Self.canonical((kustomizeService["spec"] as? [String: Any])?["ports"]))
        let container = try Self.managerContainer(rendered)
        let args = container["args"] as? [String] ?? []
        #expect(args.contains("--enable-webhook"))
        let ports = container["ports"] as? [[String: Any]] ?? []
        #expect(ports.contains { $0["name"] as? String == "webhook" && $0["containerPort"] as? Int == 9443 })

        let ignoring = try await Self.render(values: #"{"webhook":{"failurePolicy":"Ignore"}}"#)
        let relaxed = try #require(Self.find(ignoring, kind: "ValidatingWebhookConfiguration", name: "quartermaster-validating-webhook"))
        #expect((relaxed["webhooks"] as? [[String: Any]] ?? []).allSatisfy { $0["failurePolicy"] as? String == "Ignore" })

        let off = try await Self.render(values: #"{"webhook":{"enabled":false}}"#)
        #expect(Self.find(off, kind: "ValidatingWebhookConfiguration", name: "quartermaster-validating-webhook") == nil)
        #expect(Self.find(off, kind: "Service", name: "quartermaster-webhook-service") == nil)
        #expect(Self.find(off, kind: "Role", name: "quartermaster-webhook-role") == nil)
        #expect(!((try Self.managerContainer(off))["args"] as? [String] ?? []).contains("--enable-webhook"))
    }

    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func valuesChangeTheRenderedInstall() async throws {
        let objects = try await Self.render(
            values: #"{"watchNamespaces":["acme","beta"],"image":{"repository":"registry.example/qm","tag":"v9"},"#
                + #""logLevel":"debug","serviceMonitor":{"enabled":true},"replicaCount":3}"#,
            namespace: "ops")
        let container = try Self.managerContainer(objects)
        #expect(container["image"] as? String == "registry.example/qm:v9")
        let args = container["args"] as? [String] ?? []
        let namespaces = zip(args, args.dropFirst()).filter { $0.0 == "--namespace" }.map(\.1)
        #expect(namespaces == ["acme", "beta"])
        #expect(zip(args, args.dropFirst()).contains { $0.0 == "--log-level" && $0.1 == "debug" })
        #expect(Self.find(objects, kind: "ServiceMonitor", name: "quartermaster-controller-manager") != nil)

        let monitored = try await Self.render(values: #"{"monitoringNamespaces":["monitoring"]}"#)
        let monitoredArgs = (try Self.managerContainer(monitored))["args"] as? [String] ?? []
        #expect(monitoredArgs.firstIndex(of: "--monitoring-namespace").map { monitoredArgs[$0 + 1] } == "monitoring")
        let withoutMetrics = try await Self.render(values: #"{"metrics":{"enabled":false}}"#)
        #expect(Self.find(withoutMetrics, kind: "Service", name: "quartermaster-controller-manager-metrics") == nil)
        let single = try await Self.render(values: #"{"leaderElection":{"enabled":false},"replicaCount":1}"#)
        #expect(!((try Self.managerContainer(single))["args"] as? [String] ?? []).contains("--leader-elect"))
        // The namespace's Role stays: its Leases are also the host claims.
        #expect(Self.find(single, kind: "Role", name: "quartermaster-leader-election-role") != nil)
    }

    /// `prometheusRule.enabled` installs config/prometheus's PrometheusRule: the same rules
    /// (Helm must print the alerts' own `{{ $labels.x }}` templates, not evaluate them), with
    /// the chart's labels and the extra ones; off by default.
    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func thePrometheusRuleHasTheRulesOfConfigPrometheus() async throws {
        #expect(Self.find(try await Self.render(), kind: "PrometheusRule", name: "quartermaster-alerts") == nil)
        let objects = try await Self.render(
            values: #"{"prometheusRule":{"enabled":true,"labels":{"release":"kube-prometheus"}}}"#, namespace: "ops")
        let chart = try #require(Self.find(objects, kind: "PrometheusRule", name: "quartermaster-alerts"))
        let plain = try #require(
            Self.find(
                try Self.objects(inFile: "config/prometheus/prometheusrule.yaml"), kind: "PrometheusRule",
                name: "quartermaster-alerts"))
        #expect(try Self.canonical(chart["spec"]) == (try Self.canonical(plain["spec"])))
        #expect(try Self.canonical(chart["spec"]).contains("{{ $labels.namespace }}"))
        let metadata = chart["metadata"] as? [String: Any]
        #expect(metadata?["namespace"] as? String == "ops")
        #expect((metadata?["labels"] as? [String: Any])?["release"] as? String == "kube-prometheus")
    }

    /// `podMonitors.enabled` installs config/prometheus's PodMonitors (one per workload kind),
    /// with the chart's labels, the extra ones and the interval; off by default.
    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func thePodMonitorsAreThoseOfConfigPrometheus() async throws {
        #expect(try await Self.render().filter { $0["kind"] as? String == "PodMonitor" }.isEmpty)
        let objects = try await Self.render(
            values: #"{"podMonitors":{"enabled":true,"labels":{"release":"kube-prometheus"}}}"#, namespace: "ops")
        let plain = try Self.objects(inFile: WorkloadPodMonitors.configPath)
        #expect(plain.count == WorkloadPodMonitors.all.count)
        for monitor in WorkloadPodMonitors.all {
            let chart = try #require(Self.find(objects, kind: "PodMonitor", name: monitor.name))
            let config = try #require(Self.find(plain, kind: "PodMonitor", name: monitor.name))
            #expect(try Self.canonical(chart["spec"]) == (try Self.canonical(config["spec"])))
            let metadata = chart["metadata"] as? [String: Any]
            #expect(metadata?["namespace"] as? String == "ops")
            #expect((metadata?["labels"] as? [String: Any])?["release"] as? String == "kube-prometheus")
        }
    }

    /// `grafanaDashboard.enabled` installs config/grafana's dashboard as a ConfigMap with the
    /// sidecar's label, byte for byte; off by default.
    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func theDashboardConfigMapHoldsTheGeneratedDashboard() async throws {
        #expect(Self.find(try await Self.render(), kind: "ConfigMap", name: "quartermaster-dashboard") == nil)
        let objects = try await Self.render(values: #"{"grafanaDashboard":{"enabled":true,"namespace":"monitoring"}}"#)
        let map = try #require(Self.find(objects, kind: "ConfigMap", name: "quartermaster-dashboard"))
        let metadata = map["metadata"] as? [String: Any]
        #expect(metadata?["namespace"] as? String == "monitoring")
        #expect((metadata?["labels"] as? [String: Any])?["grafana_dashboard"] as? String == "1")
        let json = (map["data"] as? [String: Any])?["quartermaster-dashboard.json"] as? String
        let generated = try String(
            contentsOf: Self.root.appendingPathComponent(QuartermasterDashboard.configPath), encoding: .utf8)
        #expect(json == generated.trimmingCharacters(in: .newlines))
    }

    @Test(.enabled(if: helmEngineAvailable, helmSkipMessage))
    func unsafeOrInvalidValuesAreRejected() async throws {
        let refused = try await InstallCommandRunner.run(
            "python3",
            ["hack/helm-engine.py", "render", Self.chart, "ns", #"{"leaderElection":{"enabled":false}}"#])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("leaderElection.enabled"))
        for invalid in [#"{"replicaCount":"two"}"#, #"{"logFormat":"xml"}"#, #"{"watchNamespaces":["Bad_NS"]}"#, #"{"unknown":1}"#] {
            let data = try await InstallCommandRunner.output("python3", ["hack/helm-engine.py", "validate", Self.chart, invalid])
            let verdict = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(verdict?["valid"] as? Bool == false, "\(invalid) should be rejected")
        }
        let data = try await InstallCommandRunner.output(
            "python3", ["hack/helm-engine.py", "validate", Self.chart, #"{"replicaCount":3,"watchNamespaces":["acme"]}"#])
        #expect((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["valid"] as? Bool == true)
    }
}
