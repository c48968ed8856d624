import KubeCore
import Testing

/// Request paths: names go in as they are when they need no escaping, and escaped when they do.
@Suite struct ResourcePathTests {
    @Test func namesOfUnreservedCharactersAreUsedAsTheyAre() {
        #expect(
            ConfigMap.resource.path(namespace: "team-a", name: "web.v1_x~y") == "/api/v1/namespaces/team-a/configmaps/web.v1_x~y")
    }

    @Test(arguments: [
        ("a/b", "a%2Fb"),
        ("a b", "a%20b"),
        ("ä", "%C3%A4"),
        ("a?b#c", "a%3Fb%23c"),
    ])
    func otherCharactersAreEscapedWithinTheSegment(name: String, escaped: String) {
        #expect(ConfigMap.resource.path(namespace: "n", name: name) == "/api/v1/namespaces/n/configmaps/\(escaped)")
    }
}
