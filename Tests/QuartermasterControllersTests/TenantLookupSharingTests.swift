import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// The webhook's Tenant lookup adds no list or watch of its own: it reads the Namespace and
/// Tenant informers the Tenant controller declares.
@Suite struct TenantLookupSharingTests {
    @Test func theWebhookReadsTheTenantControllersInformers() {
        let cache = InformerCache(client: KubeClient(transport: FakeAPIServer()))
        let settings = TenantSharedInformerTests.settings()
        _ = QuartermasterControllerSet.make(cache: cache, settings: settings)
        let before = cache.informerDescriptions
        _ = TenantLookup.shared(in: cache, settings: settings)
        #expect(cache.informerDescriptions == before)
    }

    @Test func watchingSomeNamespacesLooksNoTenantUp() {
        let cache = InformerCache(client: KubeClient(transport: FakeAPIServer()))
        var settings = TenantSharedInformerTests.settings()
        settings.namespaces = ["acme"]
        let lookup = TenantLookup.shared(in: cache, settings: settings)
        #expect(cache.informerCount == 0)
        #expect(lookup.tenant(forNamespace: "acme") == nil)
    }
}
