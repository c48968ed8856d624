import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// The build namespace of a Tenant, pure: its name, the desired objects, the validation of
/// `spec.builds`, its decoding defaults and schema bounds, and how an existing namespace is judged.
@Suite struct TenantBuildNamespaceTests {
    func tenant(_ name: String = "acme", spec: TenantSpec = TenantSpec()) -> Tenant {
        var t = Tenant(metadata: ObjectMeta(name: name), spec: spec)
        t.metadata.uid = "uid-\(name)"
        t.metadata.generation = 2
        return t
    }

    func builds(_ spec: TenantSpec, operatorNamespace: String? = nil) throws -> TenantBuildDesiredState {
        try #require(try TenantDesiredState.compute(tenant: tenant(spec: spec), operatorNamespace: operatorNamespace).builds)
    }

    // MARK: name

    @Test(arguments: [
        ("acme", "acme-build"),
        ("a", "a-build"),
        (String(repeating: "x", count: 57), String(repeating: "x", count: 57) + "-build"),
    ])
    func shortNamesGetTheSuffix(namespace: String, expected: String) {
        #expect(TenantBuildNamespace.name(for: namespace) == expected)
        #expect(TenantBuildNamespace.name(for: namespace).count <= 63)
    }

    @Test func longNamesAreCutAndHashedToSixtyThree() {
        let long = String(repeating: "a", count: 40) + "-" + String(repeating: "b", count: 22)  // 63
        let name = TenantBuildNamespace.name(for: long)
        #expect(name.count == 63)
        #expect(name.hasPrefix(String(long.prefix(50)) + "-"))
        #expect(name.hasSuffix("-build"))
        let hash = name.dropFirst(51).prefix(6)
        #expect(hash.count == 6 && hash.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(TenantSpecError.isValidNamespaceName(name))
        // Same first 50 characters, different names: different build namespaces.
        let other = String(long.dropLast()) + "c"
        #expect(TenantBuildNamespace.name(for: other) != name)
        #expect(TenantBuildNamespace.name(for: other).prefix(50) == name.prefix(50))
        // 58 characters is the first length that is hashed.
        #expect(TenantBuildNamespace.name(for: String(repeating: "y", count: 58)).count == 63)
        #expect(!TenantBuildNamespace.name(for: String(repeating: "y", count: 58)).hasPrefix(String(repeating: "y", count: 51)))
    }

    // MARK: desired objects

    @Test func enabledByDefaultWithTheContractsLabels() throws {
        let b = try builds(TenantSpec(owners: [.user("alice")]))
        #expect(b.namespaceName == "acme-build")
        let meta = b.namespace.metadata
        #expect(meta.name == "acme-build" && meta.namespace == nil)
        #expect(
            meta.labels == [
                "quartermaster.dev/tenant": "acme", "app.kubernetes.io/managed-by": "quartermaster",
                "quartermaster.dev/build-namespace": "true", "kubernetes.io/metadata.name": "acme-build",
                "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/audit-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/warn-version": "latest",
            ])
        #expect(meta.annotations == ["quartermaster.dev/tenant-uid": "uid-acme"])
        let owner = try #require(meta.ownerReferences?.first)
        #expect(meta.ownerReferences?.count == 1)
        #expect(owner.kind == "Tenant" && owner.uid == "uid-acme" && owner.controller == true)
        // Every object inside: named builds, in the build namespace, labelled, owned.
        for m in [b.resourceQuota.metadata, b.limitRange.metadata, b.networkPolicy.metadata, b.roleBinding.metadata] {
            #expect(m.name == "builds" && m.namespace == "acme-build")
            #expect(m.labels == ["quartermaster.dev/tenant": "acme", "app.kubernetes.io/managed-by": "quartermaster"])
            #expect(m.ownerReferences == [owner])
        }
    }

    @Test(arguments: [
        (TenantBuildPodSecurity?.none, "baseline"), (.some(.baseline), "baseline"), (.some(.privileged), "privileged"),
    ])
    func podSecurityLevel(level: TenantBuildPodSecurity?, enforced: String) throws {
        let b = try builds(TenantSpec(builds: TenantBuilds(podSecurity: level)))
        #expect(b.namespace.metadata.labels?["pod-security.kubernetes.io/enforce"] == enforced)
        #expect(b.namespace.metadata.labels?["pod-security.kubernetes.io/warn"] == "restricted")
        #expect(b.namespace.metadata.labels?["pod-security.kubernetes.io/audit"] == "restricted")
    }

    @Test func theTenantsNamespaceStaysRestricted() throws {
        let d = try TenantDesiredState.compute(
            tenant: tenant(spec: TenantSpec(builds: TenantBuilds(podSecurity: .privileged))))
        #expect(d.namespace.metadata.labels?["pod-security.kubernetes.io/enforce"] == "restricted")
        #expect(d.namespace.metadata.labels?["quartermaster.dev/build-namespace"] == nil)
    }

    @Test func disabledMeansNoBuildObjects() throws {
        let d = try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(builds: TenantBuilds(enabled: false))))
        #expect(d.builds == nil)
        #expect(try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(builds: TenantBuilds(enabled: true)))).builds != nil)
    }

    @Test func buildNamespaceFollowsSpecNamespace() throws {
        #expect(try builds(TenantSpec(namespace: "acme-prod")).namespaceName == "acme-prod-build")
    }

    @Test(arguments: [
        (TenantBuildQuota?.none, ["requests.cpu": "4", "requests.memory": "8Gi", "pods": 4, "limits.cpu": "8", "limits.memory": "16Gi"] as [String: Quantity]),
        (TenantBuildQuota(memory: "16Gi", pods: 10), ["requests.cpu": "4", "requests.memory": "16Gi", "pods": 10, "limits.cpu": "8", "limits.memory": "16Gi"]),
        (TenantBuildQuota(cpu: "500m", limitsMemory: "2Gi"), ["requests.cpu": "500m", "requests.memory": "8Gi", "pods": 4, "limits.cpu": "8", "limits.memory": "2Gi"]),
    ])
    func quotaDefaultsOverriddenFieldByField(quota: TenantBuildQuota?, hard: [String: Quantity]) throws {
        let b = try builds(TenantSpec(builds: TenantBuilds(quota: quota)))
        #expect(b.resourceQuota.spec?.hard == hard)
    }

    @Test func limitRangeGivesDefaultsAndNoMaximum() throws {
        let b = try builds(TenantSpec())
        #expect(
            b.limitRange.spec?.limits == [
                LimitRangeItem(type: "Container", default: ["cpu": "1", "memory": "1Gi"], defaultRequest: ["cpu": "250m", "memory": "256Mi"])
            ])
    }

    @Test func networkPolicyDeniesIngressAndAllowsDNSAndPublicGitAndRegistries() throws {
        let spec = try #require(try builds(TenantSpec()).networkPolicy.spec)
        #expect(spec.podSelector == LabelSelector())
        #expect(spec.policyTypes == ["Ingress", "Egress"])
        #expect(spec.ingress == nil, "no ingress rule: all ingress denied")
        #expect(
            spec.egress == [
                NetworkPolicyEgressRule(ports: [NetworkPolicyPort(protocol: "UDP", port: 53), NetworkPolicyPort(protocol: "TCP", port: 53)]),
                NetworkPolicyEgressRule(
                    to: [
                        NetworkPolicyPeer(
                            ipBlock: IPBlock(
                                cidr: "0.0.0.0/0",
                                except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"]))
                    ],
                    ports: [NetworkPolicyPort(protocol: "TCP", port: 22), NetworkPolicyPort(protocol: "TCP", port: 443)]),
            ])
    }

    @Test func extraEgressEntriesAreAddedInOrder() throws {
        let egress = [TenantBuildEgress(cidr: "10.96.0.10/32", ports: [5000]), TenantBuildEgress(cidr: "fd00::/8", ports: [443, 8443])]
        let spec = try #require(try builds(TenantSpec(builds: TenantBuilds(egress: egress))).networkPolicy.spec)
        #expect(spec.egress?.count == 4)
        #expect(
            Array(spec.egress?.suffix(2) ?? []) == [
                NetworkPolicyEgressRule(
                    to: [NetworkPolicyPeer(ipBlock: IPBlock(cidr: "10.96.0.10/32"))], ports: [NetworkPolicyPort(protocol: "TCP", port: 5000)]),
                NetworkPolicyEgressRule(
                    to: [NetworkPolicyPeer(ipBlock: IPBlock(cidr: "fd00::/8"))],
                    ports: [NetworkPolicyPort(protocol: "TCP", port: 443), NetworkPolicyPort(protocol: "TCP", port: 8443)]),
            ])
    }

    @Test func ownersGetTheBuildReaderRoleServiceAccountsInTheTenantsNamespace() throws {
        let b = try builds(TenantSpec(owners: [.user("alice"), .group("devs"), .serviceAccount("ci")]))
        #expect(b.roleBinding.roleRef == RoleRef(kind: "ClusterRole", name: "quartermaster-tenant-build-reader"))
        #expect(b.roleBinding.subjects == [.user("alice"), .group("devs"), .serviceAccount("ci", namespace: "acme")])
    }

    @Test func buildReaderRoleReadsJobsPodsAndLogsOnly() {
        let role = TenantBuildReaderRole.clusterRole
        #expect(role.metadata.name == "quartermaster-tenant-build-reader")
        #expect(
            role.rules == [
                PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"]),
                PolicyRule(apiGroups: [""], resources: ["pods/log"], verbs: ["get"]),
                PolicyRule(apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch"]),
            ])
    }

    // MARK: validation

    @Test(arguments: [
        (TenantBuilds(quota: TenantBuildQuota(cpu: "-1")), "spec.builds.quota.cpu must not be negative"),
        (TenantBuilds(quota: TenantBuildQuota(pods: -2)), "spec.builds.quota.pods must not be negative"),
        (TenantBuilds(egress: [TenantBuildEgress(cidr: "10.0.0.300/8", ports: [80])]), "spec.builds.egress[0].cidr \"10.0.0.300/8\" is not an IPv4 or IPv6 CIDR"),
        (TenantBuilds(egress: [TenantBuildEgress(cidr: "10.0.0.0/33", ports: [80])]), "spec.builds.egress[0].cidr \"10.0.0.0/33\" is not an IPv4 or IPv6 CIDR"),
        (TenantBuilds(egress: [TenantBuildEgress(cidr: "10.0.0.0/8", ports: [])]), "spec.builds.egress[0].ports must list 1 to 16 ports"),
        (TenantBuilds(egress: [TenantBuildEgress(cidr: "10.0.0.0/8", ports: [0])]), "spec.builds.egress[0].ports: 0 is not a port (1-65535)"),
        (TenantBuilds(repositoryPrefix: "registry.example.com/acme:v1"), "spec.builds.repositoryPrefix \"registry.example.com/acme:v1\" is not a registry host and repository path (such as registry.example.com/acme; no tag or digest)"),
        (TenantBuilds(repositoryPrefix: "Registry.example.com/Acme"), "spec.builds.repositoryPrefix \"Registry.example.com/Acme\" is not a registry host and repository path (such as registry.example.com/acme; no tag or digest)"),
        // Checked even when builds are disabled: the spec is one whole.
        (TenantBuilds(enabled: false, egress: [TenantBuildEgress(cidr: "nope/8", ports: [22])]), "spec.builds.egress[0].cidr \"nope/8\" is not an IPv4 or IPv6 CIDR"),
    ])
    func invalidBuildSettingsAreRefused(builds: TenantBuilds, message: String) {
        #expect(throws: TenantSpecError.invalidBuilds([message])) {
            try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(builds: builds)))
        }
    }

    @Test(arguments: ["registry.example.com/acme", "localhost:5000", "ghcr.io/acme/team_a/web-apps", "10.0.0.5:5000/x.y"])
    func validRepositoryPrefixes(prefix: String) throws {
        #expect(try builds(TenantSpec(builds: TenantBuilds(repositoryPrefix: prefix))).namespaceName == "acme-build")
    }

    @Test func aBuildNamespaceThatIsTheOperatorsIsRefused() {
        #expect(throws: TenantSpecError.self) {
            try TenantDesiredState.compute(tenant: tenant("ops"), operatorNamespace: "ops-build")
        }
        #expect((try? TenantDesiredState.compute(tenant: tenant("ops", spec: TenantSpec(builds: TenantBuilds(enabled: false))), operatorNamespace: "ops-build")) == nil)
    }

    @Test(arguments: [
        ("10.0.0.0/8", true), ("0.0.0.0/0", true), ("192.168.1.7/32", true), ("10.1.2.3/8", true),
        ("256.0.0.0/8", false), ("10.0.0/8", false), ("10.0.0.0", false), ("10.0.0.0/", false), ("10.0.0.0/8/1", false),
        ("fd00::/8", true), ("::/0", true), ("2001:db8::1/128", true), ("::ffff:10.0.0.1/128", true),
        ("2001:db8:0:0:0:0:0:1/64", true), ("2001:db8::1::2/64", false), ("2001:db8:0:0:0:0:0:0:1/64", false),
        ("fd00::/129", false), ("gggg::/8", false), (":1::/8", false), ("١٠.0.0.0/8", false),
    ])
    func cidrs(cidr: String, valid: Bool) {
        #expect(TenantBuildCIDR.isValid(cidr) == valid, "\(cidr)")
    }

    // MARK: decoding and schema

    @Test func decodingDefaults() throws {
        let none = try KubeJSON.decode(TenantSpec.self, from: Data("{}".utf8))
        #expect(none.builds == nil)
        #expect(none.effectiveBuilds.isEnabled)
        #expect(none.effectiveBuilds.effectivePodSecurity == .baseline)
        #expect(none.effectiveBuilds.effectiveQuota == TenantBuildQuota.defaults)
        let some = try KubeJSON.decode(
            TenantSpec.self,
            from: Data(
                #"{"builds":{"enabled":false,"podSecurity":"privileged","repositoryPrefix":"r.io/a","quota":{"pods":2},"egress":[{"cidr":"10.0.0.1/32","ports":[5000]}]}}"#
                    .utf8))
        #expect(
            some.builds
                == TenantBuilds(
                    enabled: false, podSecurity: .privileged, repositoryPrefix: "r.io/a", quota: TenantBuildQuota(pods: 2),
                    egress: [TenantBuildEgress(cidr: "10.0.0.1/32", ports: [5000])]))
        #expect(some.effectiveBuilds.effectiveQuota.pods == 2 && some.effectiveBuilds.effectiveQuota.cpu == "4")
        // Round trip.
        #expect(try KubeJSON.decode(TenantSpec.self, from: KubeJSON.encode(some)) == some)
    }

    @Test func anUnknownPodSecurityLevelIsInvalidSpec() throws {
        var t = tenant()
        t.spec = try KubeJSON.decode(TenantSpec.self, from: Data(#"{"builds":{"podSecurity":"restricted"}}"#.utf8))
        #expect(t.spec.effectiveBuilds.effectivePodSecurity == .baseline)
        #expect(throws: TenantSpecError.self) { try TenantDesiredState.compute(tenant: t) }
        do {
            _ = try TenantDesiredState.compute(tenant: t)
        } catch {
            #expect(error.description.contains("builds.podSecurity: unknown value \"restricted\""), "\(error)")
        }
    }

    @Test func schemaDefaultsAndBounds() throws {
        let builds = try #require(Tenant.specSchema.properties?.first { $0.name == "builds" }?.schema)
        let field = { (name: String) in builds.properties?.first { $0.name == name }?.schema }
        #expect(field("enabled")?.defaultValue == .bool(true))
        #expect(field("podSecurity")?.defaultValue == .string("baseline"))
        #expect(field("podSecurity")?.enumValues == ["baseline", "privileged"])
        #expect(field("repositoryPrefix")?.maxLength == 255)
        #expect(field("repositoryPrefix")?.pattern == TenantBuilds.repositoryPrefixPattern)
        let egress = try #require(field("egress"))
        #expect(egress.maxItems == 32)
        let entry = try #require(egress.items?.value)
        #expect(entry.required == ["cidr", "ports"])
        let ports = try #require(entry.properties?.first { $0.name == "ports" }?.schema)
        #expect(ports.minItems == 1 && ports.maxItems == 16)
        #expect(ports.items?.value.minimum == 1 && ports.items?.value.maximum == 65535)
        #expect(entry.properties?.first { $0.name == "cidr" }?.schema.maxLength == 43)
        let quota = try #require(field("quota"))
        #expect(quota.properties?.map(\.name) == ["cpu", "memory", "pods", "limitsCPU", "limitsMemory"])
        #expect(quota.properties?.first { $0.name == "pods" }?.schema.maximum == 1000)
        let status = try #require(Tenant.statusSchema.properties?.first { $0.name == "buildNamespace" }?.schema)
        #expect(status.type == "string")
        // The schema's pattern and the pure check agree on the examples.
        for prefix in ["registry.example.com/acme", "localhost:5000", "a/B", "r.io/a:tag", "r.io//a", "-r.io/a"] {
            let matches = prefix.range(of: TenantBuilds.repositoryPrefixPattern, options: .regularExpression) != nil
            #expect(TenantBuildDesiredState.isRepositoryPrefix(prefix) == matches)
            #expect(matches == ["registry.example.com/acme", "localhost:5000"].contains(prefix), "\(prefix)")
        }
    }

    // MARK: claims

    func namespace(_ name: String, tenant: String? = "acme", uid: String? = "uid-acme", build: Bool) -> Namespace {
        var labels: [String: String] = [:]
        labels[TenantLabels.tenant] = tenant
        if build { labels[TenantBuildNamespace.label] = "true" }
        return Namespace(
            metadata: ObjectMeta(
                name: name, labels: labels.isEmpty ? nil : labels, annotations: uid.map { [TenantLabels.tenantUID: $0] }))
    }

    @Test func claimsTellBuildNamespacesFromTenantNamespaces() {
        let t = tenant()
        #expect(TenantNamespaceClaim(observed: nil, tenant: t, build: true) == .absent)
        #expect(TenantNamespaceClaim(observed: namespace("acme-build", build: true), tenant: t, build: true) == .owned)
        #expect(TenantNamespaceClaim(observed: namespace("acme", build: false), tenant: t) == .owned)
        // The tenant's own namespace is not its build namespace, and the other way round.
        #expect(TenantNamespaceClaim(observed: namespace("acme-build", build: false), tenant: t, build: true) != .owned)
        #expect(TenantNamespaceClaim(observed: namespace("acme-build", build: true), tenant: t) != .owned)
        // Without the marker, or another tenant's, or nobody's: never adopted.
        #expect(TenantNamespaceClaim(observed: namespace("acme-build", uid: nil, build: true), tenant: t, build: true) != .owned)
        #expect(TenantNamespaceClaim(observed: namespace("acme-build", uid: "old", build: true), tenant: t, build: true) != .owned)
        #expect(TenantNamespaceClaim(observed: namespace("acme-build", tenant: "globex", uid: "uid-globex", build: false), tenant: t, build: true) == .foreign("namespace acme-build belongs to tenant globex"))
        #expect(TenantNamespaceClaim(observed: namespace("acme-build", tenant: nil, uid: nil, build: false), tenant: t, build: true) != .owned)
    }
}
