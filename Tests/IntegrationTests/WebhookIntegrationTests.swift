import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Synchronization
import Testing

/// The admission webhook against a real v1.20 API server, served on loopback
/// (`clientConfig.url: https://127.0.0.1:PORT/...`, the caBundle patched in by the operator's
/// certificate manager), run as the operator user bound only to `config/rbac/webhook_role.yaml`
/// (the webhook's own Role and ClusterRole) and to the manager role (`config/rbac/role.yaml`,
/// for the Tenant lookup's informers, in an `InformerCache` the test runs as the manager would):
/// manifests that break the operator's bounds are refused at create with the reason, workloads
/// in a Tenant's namespace are refused for its policy, valid ones pass, a deletion is never
/// blocked, and after the injected clock passes the renewal point the Secret holds a new
/// serving certificate, the server serves it and the API server still calls the webhook. The
/// audit log then shows no 403, every grant of the webhook's roles and the lookup's list and
/// watch used, and no request beyond those.
@Suite("Webhook: refused at the door on a real API server")
struct WebhookIntegrationTests {
    static let namespace = "quartermaster-system"

    /// The wall clock the certificates are dated by, moved by hand.
    final class InjectedNow: Sendable {
        private let value: Mutex<Date>
        init(_ date: Date) { value = Mutex(date) }
        var now: Date { value.withLock { $0 } }
        func set(_ date: Date) { value.withLock { $0 = date } }
    }

    @Test(
        "invalid manifests are refused with the reason; valid ones, deletions and legacy objects pass; rotation keeps it working",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func refusedAtTheDoor() async throws {
        // Private: the webhook configuration and the role bindings would change what other tests see.
        let env = try await EnvTest.start(controllerManager: false)
        do {
            try await run(env)
        } catch {
            await env.stop()
            throw error
        }
        await env.stop()
    }

    private func run(_ env: EnvTest) async throws {
        let root = CoreTest.repositoryRoot.path
        try await env.kubectlChecked(["apply", "--server-side", "-k", "\(root)/crds"])
        try await env.waitUntilEstablished()
        try await env.kubectlChecked(["create", "namespace", Self.namespace])
        try await env.kubectlChecked(["create", "namespace", "acme"])
        // The webhook's roles exactly as shipped, bound to the operator user.
        try await env.kubectlChecked(["apply", "-f", "\(root)/config/rbac/webhook_role.yaml"])
        try await env.kubectlChecked([
            "-n", Self.namespace, "create", "rolebinding", "webhook-operator",
            "--role=\(QuartermasterAdmission.secretRoleName)", "--user=quartermaster-operator",
        ])
        try await env.kubectlChecked([
            "create", "clusterrolebinding", "webhook-operator",
            "--clusterrole=\(QuartermasterAdmission.configurationRoleName)", "--user=quartermaster-operator",
        ])
        // The manager role as generated: the webhook reads the namespace's Tenant from the
        // informers it shares with the Tenant controller (list and watch of tenants and namespaces).
        try await env.kubectlChecked(["apply", "-f", "\(root)/config/rbac/role.yaml"])
        try await env.kubectlChecked([
            "create", "clusterrolebinding", "webhook-operator-manager", "--clusterrole=quartermaster-manager-role",
            "--user=quartermaster-operator",
        ])

        // An object stored before the webhook existed, out of bounds (two Ingresses for one
        // host) and holding a finalizer: it must stay deletable.
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: IPFSCluster
                metadata: {name: legacy, namespace: acme, finalizers: [example.dev/hold]}
                spec:
                  replicas: 1
                  exposure:
                    api: {type: Ingress, host: files.example}
                    gateway: {type: Ingress, host: files.example}
                """)

        // The operator's webhook, on loopback, as the operator user. Its clock starts 61 days
        // back, so the first serving certificate (90 days) is already valid for the real API
        // server; moving the clock to today later passes the renewal point (a third left).
        let today = Date()
        let clock = InjectedNow(today.addingTimeInterval(-61 * 86_400))
        let (operatorClient, _) = try CoreTest.countingClient(env, user: .operator, identity: .quartermaster)
        let registry = PrometheusCollectorRegistry()
        let settings = ControllerSettings(
            registry: registry, events: EventRecorder(client: operatorClient, component: "webhook-test"),
            logger: Logger(label: "webhook-test"), operatorNamespace: Self.namespace)
        let webhookSettings = WebhookSettings(address: .listen(host: "127.0.0.1", port: 0), extraHosts: ["127.0.0.1"])
        // The cache the manager runs: the webhook declares the Tenant lookup's informers in it.
        // Declared here first with short watches (the options that do not tell informers
        // apart): a watch is audited when it ends, so the audit log shows its grant used.
        let cache = InformerCache(client: operatorClient)
        _ = cache.informer(Namespace.self, options: ReflectorOptions(labelSelector: TenantLabels.tenant, watchTimeoutSeconds: 1...2))
        _ = cache.informer(Tenant.self, options: ReflectorOptions(watchTimeoutSeconds: 1...2))
        let webhook = webhookSettings.makeWebhook(
            client: operatorClient, cache: cache, settings: settings, now: { clock.now }, clock: ManualClock())
        defer { webhook.server.stop() }
        #expect(cache.informerCount == 2, "the Tenant lookup's informers: \(cache.informerDescriptions)")
        let caching = Task { await cache.run() }
        defer { caching.cancel() }

        let first = try await webhook.refresh()  // creates the Secret (POST); no configuration yet
        let port = try #require(webhook.server.port)
        let (admin, _) = try CoreTest.countingClient(env)
        let configuration = QuartermasterAdmission.configuration(operatorNamespace: Self.namespace) { r in
            WebhookClientConfig(url: "https://127.0.0.1:\(port)\(QuartermasterAdmission.path(r))")
        }
        _ = try await admin.create(configuration)
        try await webhook.refresh()  // patches the caBundle of the owned entries
        let patched = try await admin.get(ValidatingWebhookConfiguration.self, name: QuartermasterAdmission.configurationName)
        let bundle = Data(first.caBundle(at: clock.now).utf8).base64EncodedString()
        #expect(patched.webhooks?.count == QuartermasterAdmission.kinds().count)
        #expect(patched.webhooks?.allSatisfy { $0.clientConfig.caBundle == bundle } == true)

        // Refused at create, with the reason in the API's error. The API server picks up a new
        // configuration shortly: poll until the webhook answers.
        let invalid = """
            apiVersion: quartermaster.dev/v1alpha1
            kind: IPFSCluster
            metadata: {name: clash, namespace: acme}
            spec:
              replicas: 1
              exposure:
                api: {type: Ingress, host: files.example}
                gateway: {type: Ingress, host: files.example}
            """
        let refused = await CoreTest.eventually {
            let r = try? await env.kubectlThroughWebhook(["apply", "-f", "-"], stdin: invalid)
            return r.map { $0.status != 0 && $0.stderr.contains("denied the request") } ?? false
        }
        #expect(refused, "the API server never called the webhook")
        let clash = try await env.kubectlThroughWebhook(["apply", "-f", "-"], stdin: invalid)
        print("WebhookIntegrationTests: kubectl apply of an out-of-bounds IPFSCluster: \(clash.stderr)")
        #expect(clash.status != 0)
        #expect(
            clash.stderr.contains(#"admission webhook "ipfsclusters.quartermaster.dev" denied the request"#)
                && clash.stderr.contains("IngressHostConflict"), "\(clash.stderr)")

        let reserved = try await env.kubectlThroughWebhook(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: IPFSCluster
                metadata: {name: quartermaster-allow-same-namespace, namespace: acme}
                spec: {replicas: 1}
                """)
        #expect(reserved.status != 0 && reserved.stderr.contains("is reserved for the operator's own objects"), "\(reserved.stderr)")

        let tenant = try await env.kubectlThroughWebhook(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Tenant
                metadata: {name: sneaky}
                spec: {namespace: kube-system}
                """)
        #expect(tenant.status != 0 && tenant.stderr.contains("is reserved"), "\(tenant.stderr)")

        let resource = try await env.kubectlThroughWebhook(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Resource
                metadata: {name: files, namespace: acme}
                spec: {template: small-storage, parameters: {size: 900Ti}}
                """)
        #expect(resource.status != 0 && resource.stderr.contains("InvalidParameters"), "\(resource.stderr)")

        // The server's schema cannot say "no operator-controlled setting" nor "no trust": the webhook does.
        let postgres = try await env.kubectlThroughWebhook(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata: {name: orders, namespace: acme}
                spec:
                  parameters: {port: "5433"}
                  pgHBA: ["host all all 0.0.0.0/0 trust"]
                """)
        #expect(
            postgres.status != 0
                && postgres.stderr.contains(#"admission webhook "postgresinstances.quartermaster.dev" denied the request"#)
                && postgres.stderr.contains("InvalidParameters: parameters.port: set by the operator")
                && postgres.stderr.contains("InvalidParameters: pgHBA[0]: the trust method"), "\(postgres.stderr)")

        try await tenantPolicy(env, admin: admin, cache: cache, settings: settings)

        let valid = """
            apiVersion: quartermaster.dev/v1alpha1
            kind: IPFSCluster
            metadata: {name: files, namespace: acme}
            spec: {replicas: 3}
            """
        try await env.kubectlThroughWebhookChecked(["apply", "-f", "-"], stdin: valid)

        // The legacy object: its deletion and the removal of its finalizer (an UPDATE that
        // keeps the spec) pass although it breaks the bounds.
        try await env.kubectlChecked(["-n", "acme", "delete", "ipfscluster", "legacy", "--wait=false"])
        let unblocked = try await env.kubectlThroughWebhook([
            "-n", "acme", "patch", "ipfscluster", "legacy", "--type", "json",
            "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#,
        ])
        #expect(unblocked.status == 0, "\(unblocked.stderr)")
        let gone = await CoreTest.eventually {
            do { return try await admin.getIfExists(IPFSCluster.self, name: "legacy", namespace: "acme") == nil } catch {
                return false
            }
        }
        #expect(gone)
        // Changing the spec of a stored object into a violation is refused.
        let worse = try await env.kubectlThroughWebhook([
            "-n", "acme", "patch", "ipfscluster", "files", "--type", "merge",
            "-p", #"{"spec":{"exposure":{"api":{"type":"Ingress","host":"x.example"},"gateway":{"type":"Ingress","host":"x.example"}}}}"#,
        ])
        #expect(worse.status != 0 && worse.stderr.contains("IngressHostConflict"), "\(worse.stderr)")

        // Rotation: the clock reaches today, past the renewal point of the first certificate.
        clock.set(today)
        let renewed = try await webhook.refresh()
        #expect(renewed.authority == first.authority)
        #expect(renewed.serving != first.serving)
        let secret = try await admin.get(Secret.self, name: QuartermasterAdmission.secretName, namespace: Self.namespace)
        #expect(WebhookCertificateSet(secret: secret) == renewed)
        let served = try await servedCertificate(port: port)
        #expect(served == (try normalized(renewed.serving.certificatePEM)), "the server does not serve the renewed certificate")
        let stillRefused = try await env.kubectlThroughWebhook(["apply", "-f", "-"], stdin: invalid)
        #expect(stillRefused.status != 0 && stillRefused.stderr.contains("denied the request"), "\(stillRefused.stderr)")
        try await env.kubectlThroughWebhookChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: IPFSCluster
                metadata: {name: more-files, namespace: acme}
                spec: {replicas: 1}
                """)

        // A second replica reads and reuses the Secret; it writes nothing.
        let replica = WebhookCertificateManager(
            client: operatorClient, options: webhookSettings.certificateOptions(namespace: Self.namespace), now: { clock.now })
        #expect(try await replica.reconcile() == renewed)

        // failurePolicy Fail, as documented: with no webhook serving, writes of the kinds are
        // refused; deleting them is not.
        webhook.server.stop()
        let down = try await env.kubectl(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: IPFSCluster
                metadata: {name: while-down, namespace: acme}
                spec: {replicas: 1}
                """)
        #expect(down.status != 0 && down.stderr.contains("failed calling webhook"), "\(down.stderr)")
        try await env.kubectlChecked(["-n", "acme", "delete", "ipfscluster", "more-files"])

        // The webhook's roles and the lookup's informers: nothing forbidden, every grant used (a
        // watch shows once it ends).
        let webhookRules = QuartermasterAdmission.secretRules + QuartermasterAdmission.configurationRules + Self.tenantLookupRules
        let audited = await CoreTest.eventually {
            let usage = try? ManagerRoleUsage(auditLogPath: env.auditLogPath, user: EnvTestUser.operator.userName)
            return usage?.unusedGrants(of: webhookRules, exempt: []).isEmpty == true
        }
        #expect(audited, "the audit log never showed every grant used")
        let usage = try ManagerRoleUsage(auditLogPath: env.auditLogPath, user: EnvTestUser.operator.userName)
        #expect(usage.forbidden.isEmpty, "forbidden (audit log): \(usage.forbidden)")
        let unused = usage.unusedGrants(of: webhookRules, exempt: [])
        #expect(unused.isEmpty, "grants of the webhook roles and the Tenant lookup never used: \(unused)")
        // The manager role is bound too, but the webhook used none of it beyond the lookup.
        let managerGrants = ManagerRole.documentedRules(for: QuartermasterKinds.all).reduce(into: Set<PolicyGrant>()) {
            $0.formUnion($1.grants)
        }
        let lookupGrants = Self.tenantLookupRules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        #expect(lookupGrants.isSubset(of: managerGrants), "the manager role lacks \(lookupGrants.subtracting(managerGrants))")
        let allowed = (QuartermasterAdmission.secretRules + QuartermasterAdmission.configurationRules).reduce(
            into: lookupGrants
        ) { $0.formUnion($1.grants) }
        let beyond = usage.requests.filter { r in r.code != 401 && r.code != 403 && !allowed.contains { r.uses($0) } }
        #expect(beyond.isEmpty, "requests beyond the webhook roles and the Tenant lookup: \(beyond)")
    }

    /// What the Tenant lookup of the webhook reads, granted by the manager role: the informers
    /// of Tenants and tenant namespaces (``TenantLookup/shared(in:settings:)``).
    static let tenantLookupRules = [
        DocumentedPolicyRule(
            "The Tenants, cached.", PolicyRule(apiGroups: ["quartermaster.dev"], resources: ["tenants"], verbs: ["list", "watch"])),
        DocumentedPolicyRule(
            "Namespaces labelled quartermaster.dev/tenant, cached.",
            PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["list", "watch"])),
    ]

    /// A Tenant's policy refused at the door: a Tenant created as an admin, its namespace
    /// created as the Tenant controller creates it (``TenantDesiredState`` with the tenant
    /// labels and the `tenant-uid` marker, no owner reference). Once the webhook's cache holds
    /// both, a toleration the policy does not allow and a Resource whose template's image comes
    /// from a registry the policy does not list are refused as `PolicyViolation`, with the
    /// field; the same IPFSCluster outside any tenant's namespace is admitted.
    private func tenantPolicy(_ env: EnvTest, admin: KubeClient, cache: InformerCache, settings: ControllerSettings)
        async throws
    {
        let created = try await admin.create(
            Tenant(
                metadata: ObjectMeta(name: "globex"),
                spec: TenantSpec(policy: TenantPolicy(registries: ["registry.example.com"]))))
        var namespace = try TenantDesiredState.compute(tenant: created, operatorNamespace: Self.namespace).namespace
        namespace.metadata.ownerReferences = nil
        let uid = try #require(created.metadata.uid)
        #expect(namespace.metadata.annotations?[TenantLabels.tenantUID] == uid)
        #expect(namespace.metadata.labels?[TenantLabels.tenant] == "globex")
        _ = try await admin.create(namespace)
        let lookup = TenantLookup.shared(in: cache, settings: settings)
        let known = await CoreTest.eventually { lookup.tenant(forNamespace: "globex")?.metadata.uid == uid }
        #expect(known, "the webhook's cache never saw Tenant globex and its namespace")
        #expect(cache.hasSynced)

        // Images from the registry the policy allows: the toleration is the one violation.
        func tolerating(_ namespace: String) -> String {
            """
            apiVersion: quartermaster.dev/v1alpha1
            kind: IPFSCluster
            metadata: {name: tolerant, namespace: \(namespace)}
            spec:
              replicas: 1
              images: {kubo: "registry.example.com/ipfs/kubo:v0.43.1", cluster: "registry.example.com/ipfs/ipfs-cluster:v1.1.6"}
              tolerations: [{operator: Exists}]
            """
        }
        let toleration = try await env.kubectlThroughWebhook(["apply", "-f", "-"], stdin: tolerating("globex"))
        print("WebhookIntegrationTests: kubectl apply of an IPFSCluster against its tenant's policy: \(toleration.stderr)")
        #expect(
            toleration.status != 0
                && toleration.stderr.contains(#"admission webhook "ipfsclusters.quartermaster.dev" denied the request"#)
                && toleration.stderr.contains("PolicyViolation: spec.tolerations[0]")
                && !toleration.stderr.contains("spec.images"), "\(toleration.stderr)")
        #expect(try await admin.getIfExists(IPFSCluster.self, name: "tolerant", namespace: "globex") == nil)

        let image = try await env.kubectlThroughWebhook(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Resource
                metadata: {name: files, namespace: globex}
                spec: {template: small-storage}
                """)
        print("WebhookIntegrationTests: kubectl apply of a Resource against its tenant's registries: \(image.stderr)")
        #expect(
            image.status != 0 && image.stderr.contains(#"admission webhook "resources.quartermaster.dev" denied the request"#)
                && image.stderr.contains("PolicyViolation") && image.stderr.contains("registry.example.com"),
            "\(image.stderr)")
        #expect(try await admin.getIfExists(Resource.self, name: "files", namespace: "globex") == nil)

        // No Tenant in acme: no policy, the same spec is admitted.
        try await env.kubectlThroughWebhookChecked(["apply", "-f", "-"], stdin: tolerating("acme"))
        #expect(try await admin.getIfExists(IPFSCluster.self, name: "tolerant", namespace: "acme") != nil)
    }

    /// The certificate the server presents on a new connection, as one normalized PEM block.
    private func servedCertificate(port: UInt16) async throws -> String {
        let result = try await InstallCommandRunner.run(
            "sh", ["-c", "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509"])
        return try normalized(String(decoding: result.stdout, as: UTF8.self))
    }

    private func normalized(_ pem: String) throws -> String {
        pem.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
