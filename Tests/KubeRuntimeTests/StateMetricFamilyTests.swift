import Testing

@testable import KubeRuntime

@Suite struct StateMetricFamilyTests {
    typealias Label = StateMetricFamily.Label

    @Test func rendersAGaugeWithEscapedLabelsAndHelp() {
        let family = StateMetricFamily(
            name: "x_objects", help: "Objects \\ per\nphase.",
            samples: [
                .init([Label("kind", "Tenant"), Label("message", "a \"quoted\"\nline \\ end")], 3),
                .init([], 0.25),
                .init([Label("k", "v")], .nan),
                .init([Label("k", "w")], -.infinity),
                .init([Label("k", "t")], 1_733_300_000),
            ])
        #expect(family.text == """
            # HELP x_objects Objects \\\\ per\\nphase.
            # TYPE x_objects gauge
            x_objects{kind="Tenant",message="a \\"quoted\\"\\nline \\\\ end"} 3
            x_objects 0.25
            x_objects{k="v"} NaN
            x_objects{k="w"} -Inf
            x_objects{k="t"} 1733300000

            """)
        #expect(StateMetricFamily(name: "empty", help: "h", samples: []).text == "# HELP empty h\n# TYPE empty gauge\n")
    }

    @Test func familiesOfOneNameAreMergedInFirstAppearanceOrder() {
        let merged = StateMetricFamily.merged([
            .init(name: "a", help: "first", samples: [.init([Label("kind", "X")], 1)]),
            .init(name: "b", help: "b", samples: []),
            .init(name: "a", help: "second", samples: [.init([Label("kind", "Y")], 2)]),
        ])
        #expect(merged.map(\.name) == ["a", "b"])
        #expect(merged[0].help == "first")
        #expect(merged[0].samples.map(\.value) == [1, 2])
    }
}
