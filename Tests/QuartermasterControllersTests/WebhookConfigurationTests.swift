import KubeCore
import Testing

@testable import QuartermasterControllers

/// The generated webhook configuration: one entry per kind with admission, only CREATE and
/// UPDATE of the main resource, Fail, v1 reviews, no side effects, a short timeout, kube-system
/// and the operator's namespace exempt.
@Suite struct WebhookConfigurationTests {
    @Test func entriesFollowTheKindDeclarations() throws {
        let configuration = QuartermasterAdmission.configuration(
            operatorNamespace: "ops", clientConfig: QuartermasterAdmission.serviceClientConfig(namespace: "ops"))
        let webhooks = try #require(configuration.webhooks)
        #expect(
            webhooks.map(\.name) == [
                "ipfsclusters.quartermaster.dev", "tenants.quartermaster.dev", "resources.quartermaster.dev",
                "postgresinstances.quartermaster.dev", "postgresbackups.quartermaster.dev", "deployments.quartermaster.dev",
            ])
        for (webhook, kind) in zip(webhooks, QuartermasterAdmission.kinds()) {
            #expect(webhook.failurePolicy == "Fail" && webhook.sideEffects == "None" && webhook.admissionReviewVersions == ["v1"])
            #expect(webhook.timeoutSeconds == 5)
            #expect(webhook.clientConfig.caBundle == nil)
            #expect(webhook.clientConfig.service == .init(namespace: "ops", name: "quartermaster-webhook-service", path: QuartermasterAdmission.path(kind.resource), port: 443))
            let rule = try #require(webhook.rules?.first)
            #expect(webhook.rules?.count == 1)
            #expect(rule.operations == ["CREATE", "UPDATE"] && rule.resources == [kind.resource.plural])
            #expect(!rule.resources.contains { $0.contains("/") })
            #expect(webhook.namespaceSelector?.matchExpressions?.first?.values == ["kube-system", "ops"])
        }
        #expect(QuartermasterAdmission.webhookNames() == Set(webhooks.map(\.name)))
    }

    @Test func theWebhookRolesNameTheirObjects() {
        for rule in QuartermasterAdmission.secretRules.map(\.rule) + QuartermasterAdmission.configurationRules.map(\.rule)
        where rule.verbs != ["create"] {
            #expect(rule.resourceNames?.isEmpty == false, "\(rule)")
        }
        #expect(QuartermasterAdmission.secretRules.flatMap(\.rule.verbs).sorted() == ["create", "get", "update"])
    }
}
