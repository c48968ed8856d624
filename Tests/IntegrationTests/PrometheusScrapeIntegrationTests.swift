import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// The operator's `/metrics` as a real Prometheus scrapes it, with the generated alert rules
/// loaded: the state metrics follow the objects on a real API server, every rule evaluates
/// without error on real series, a Resource refused for quota puts its alerts in pending, the
/// workloads' metrics (through the real metrics proxy and the instance manager's and pooler's
/// renderers, ``WorkloadMetricsStandIns``) arrive labelled by pod, and every panel of the
/// Grafana dashboard returns data.
@Suite(.serialized) struct PrometheusScrapeIntegrationTests {
    typealias Support = TenantResourceIntegrationTests

    @Test(
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"),
        .enabled(if: PrometheusServer.available, "\(PrometheusServer.skipMessage)"))
    func prometheusSeesTheStateAndEvaluatesEveryRule() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for the quota's status")
        let tenant = "prom-\(Support.suffix())"
        let (client, op) = try await Support.start(env, tenantNamespaces: [tenant], metrics: true)
        var prometheus: PrometheusServer?
        var workloads: WorkloadMetricsStandIns?
        do {
            let port = try #require(await op.metricsPort())
            let rules = InstallCommandRunner.repositoryRoot.appendingPathComponent(QuartermasterAlerts.ruleFilePath).path
            workloads = try await WorkloadMetricsStandIns(binary: AppDeploymentCommandLineTests.binary)
            prometheus = try await PrometheusServer(
                job: QuartermasterAlerts.job, targets: ["127.0.0.1:\(port)"],
                jobs: try #require(workloads).jobs(namespace: tenant), ruleFiles: [rules])
            try await Self.exercise(client, try #require(prometheus), tenant)
        } catch {
            await prometheus?.stop()
            await workloads?.stop()
            await op.stop()
            throw error
        }
        await prometheus?.stop()
        await workloads?.stop()
        await op.stop()
        try? await client.delete(Tenant.self, name: tenant)
    }

    static func exercise(_ client: KubeClient, _ prometheus: PrometheusServer, _ tenant: String) async throws {
        // small-storage needs 360m CPU: a tenant with 100m gets its Resource refused.
        _ = try await client.create(
            Tenant(metadata: ObjectMeta(name: tenant), spec: TenantSpec(owners: [.user("alice")], quota: TenantQuota(cpu: "100m"))))
        // Until the quota controller has written the quota's status, the API server refuses any
        // object the quota counts.
        #expect(await Support.eventually { try await client.get(Tenant.self, name: tenant).status?.conditions?.isTrue("Ready") == true })
        #expect(
            await Support.eventually {
                try await client.get(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: tenant).status?.hard != nil
            })
        _ = try await client.create(
            Resource(metadata: ObjectMeta(name: "store", namespace: tenant), spec: ResourceSpec(template: "small-storage")))

        /// Waits until `expression` returns samples that satisfy `check`; records the last answer otherwise.
        func expectQuery(
            _ expression: String, sourceLocation: SourceLocation = #_sourceLocation,
            _ check: @escaping @Sendable ([PrometheusServer.Sample]) -> Bool
        ) async {
            let answered = await Support.eventually {
                check(try await prometheus.query(expression))
            }
            if !answered {
                let last = (try? await prometheus.query(expression)).map { "\($0)" } ?? "no answer"
                Issue.record("\(expression): \(last); \(prometheus.logTail)", sourceLocation: sourceLocation)
            }
        }
        await expectQuery(#"up{job="\#(QuartermasterAlerts.job)"}"#) { $0.first?.value == 1 }
        await expectQuery(#"quartermaster_object_condition{kind="Tenant",name="\#(tenant)",condition="Ready"}"#) {
            $0.first?.value == 1
        }
        // Served from the start (the refused Resource never gets Ready: no observation).
        await expectQuery(#"quartermaster_time_to_ready_seconds_count{kind="Resource"}"#) { $0.first?.value == 0 }
        await expectQuery(#"quartermaster_tenant_quota_hard{tenant="\#(tenant)",resource="requests.cpu"}"#) {
            $0.first?.value == 0.1
        }
        await expectQuery(#"quartermaster_object_phase{kind="Resource",namespace="\#(tenant)",name="store"}"#) {
            $0.first?.labels["phase"] == "Failed"
        }
        await expectQuery(#"quartermaster_object_condition{kind="Resource",namespace="\#(tenant)",name="store",condition="Stalled"}"#) {
            $0.first?.value == 1
        }
        await expectQuery(#"sum(quartermaster_resources_by_stage{namespace="\#(tenant)"})"#) { $0.first?.value == 1 }
        await expectQuery(#"quartermaster_resource_stage{namespace="\#(tenant)",name="store",template="small-storage"}"#) {
            $0.first?.labels["state"] == "Failed"
        }
        await expectQuery(#"sum(controller_runtime_reconcile_total{job="\#(QuartermasterAlerts.job)",controller="resources"})"#) {
            ($0.first?.value ?? 0) > 0
        }
        await expectQuery(#"controller_runtime_reconcile_errors_by_reason_total{controller="resources",reason="QuotaExceeded"}"#) {
            $0.count == 1
        }

        // The workloads: kubo and ipfs-cluster merged by the proxy (kubo's Go runtime wins),
        // PostgreSQL and PgBouncer from their renderers, each labelled with its pod.
        await expectQuery(#"metrics_proxy_upstream_up{namespace="\#(tenant)",pod="files-0"}"#) {
            $0.count == 2 && $0.allSatisfy { $0.value == 1 }
        }
        await expectQuery(#"go_goroutines{job="ipfs-peers"}"#) { $0.count == 1 && $0.first?.value == 211 }
        await expectQuery(#"ipfscluster_pins{namespace="\#(tenant)",pod="files-0"}"#) { $0.first?.value == 12 }
        await expectQuery(#"pg_up{namespace="\#(tenant)",pod="db-1"}"#) { $0.first?.value == 1 }
        await expectQuery(#"pgbouncer_stats_queries_pooled_total{namespace="\#(tenant)",database="app"}"#) { $0.first?.value == 10 }

        // The refused Resource's two alerts are pending (they fire after their `for`).
        let pending = await Support.eventually {
            let alerts = try await prometheus.alerts()
            let mine = alerts.filter { $0.labels["namespace"] == tenant && $0.labels["name"] == "store" }
            return Set(mine.map { $0.labels["alertname"] ?? "" }).isSuperset(of: ["QuartermasterResourceFailed", "QuartermasterObjectStalled"])
        }
        let alerts = try await prometheus.alerts()
        #expect(pending, "\(alerts)")
        #expect(!alerts.contains { $0.labels["alertname"] == "QuartermasterDown" }, "\(alerts)")
        #expect(!alerts.contains { $0.labels["alertname"] == "QuartermasterNoLeader" }, "\(alerts)")

        // Every rule was evaluated on these series without an error.
        let evaluated = await Support.eventually {
            let rules = try await prometheus.rules()
            return rules.count == QuartermasterAlerts.all.count && rules.allSatisfy { $0.health == "ok" }
        }
        let rules = try await prometheus.rules()
        #expect(evaluated, "\(rules)")

        // Every panel of the dashboard answers, for this tenant (no panel hides missing data).
        var silent: [String] = []
        for panel in QuartermasterDashboard.panels {
            for query in panel.queries {
                let expression = QuartermasterDashboard.resolved(query.expression, tenant: tenant, namespace: tenant)
                let answered = await Support.eventually { !(try await prometheus.query(expression)).isEmpty }
                if !answered { silent.append("\(panel.title): \(expression)") }
            }
        }
        #expect(silent.isEmpty, "panels without data: \(silent)")
    }
}
