import KubeCore
import Testing

@Suite struct LabelSelectorTests {
    @Test func rendersSortedTermsOfEveryOperator() {
        let s = LabelSelector(
            matchLabels: ["tier": "db", "app": "pg"],
            matchExpressions: [
                .init(key: "zone", operator: .in, values: ["b", "a"]),
                .init(key: "env", operator: .notIn, values: ["dev"]),
                .init(key: "owned", operator: .exists),
                .init(key: "legacy", operator: .doesNotExist),
            ])
        #expect(s.selectorString == "app=pg,tier=db,zone in (a,b),env notin (dev),owned,!legacy")
    }

    @Test func emptySelectorRendersEmptyAndMatchesEverything() {
        #expect(LabelSelector().selectorString == "")
        #expect(LabelSelector().matches(["a": "b"]))
        #expect(LabelSelector(matchLabels: [:]).matches([:]))
    }

    @Test func matchesLabels() {
        let s = LabelSelector(
            matchLabels: ["app": "pg"],
            matchExpressions: [
                .init(key: "zone", operator: .in, values: ["a", "b"]),
                .init(key: "legacy", operator: .doesNotExist),
            ])
        #expect(s.matches(["app": "pg", "zone": "a"]))
        #expect(!s.matches(["app": "pg", "zone": "c"]))
        #expect(!s.matches(["app": "pg"]))
        #expect(!s.matches(["app": "pg", "zone": "a", "legacy": ""]))
        #expect(!s.matches(["app": "web", "zone": "a"]))
        let notIn = LabelSelector(matchExpressions: [.init(key: "env", operator: .notIn, values: ["dev"])])
        #expect(notIn.matches([:]))
        #expect(!notIn.matches(["env": "dev"]))
    }

    @Test func decodesOperatorsFromJSON() throws {
        let json = #"{"matchExpressions":[{"key":"k","operator":"NotIn","values":["v"]}]}"#
        let s = try KubeJSON.decode(LabelSelector.self, from: Data(json.utf8))
        #expect(s.selectorString == "k notin (v)")
    }
}

import Foundation
