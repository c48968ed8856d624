import Testing

@testable import KubeRuntime

@Suite struct PrometheusTextMergeTests {
    static let kubo = """
        # HELP go_goroutines Number of goroutines that currently exist.
        # TYPE go_goroutines gauge
        go_goroutines 120
        # HELP ipfs_bitswap_wantlist_total Wanted blocks.
        # TYPE ipfs_bitswap_wantlist_total counter
        ipfs_bitswap_wantlist_total 3
        # HELP libp2p_rcmgr_streams Streams.
        # TYPE libp2p_rcmgr_streams histogram
        libp2p_rcmgr_streams_bucket{dir="in",le="1"} 2
        libp2p_rcmgr_streams_bucket{dir="in",le="+Inf"} 5
        libp2p_rcmgr_streams_sum{dir="in"} 9
        libp2p_rcmgr_streams_count{dir="in"} 5

        """
    static let cluster = """
        # HELP go_goroutines Number of goroutines that currently exist.
        # TYPE go_goroutines gauge
        go_goroutines 40
        # HELP cluster_peers Number of peers.
        # TYPE cluster_peers gauge
        cluster_peers 3
        untyped_thing{a="b c"} 1
        this is not a sample
        # a plain comment
        cluster_pins 12

        """

    @Test func theFirstUpstreamWinsASharedFamilyAndEveryOtherLineIsCopied() {
        let merged = PrometheusTextMerge.merge(
            [.init(upstream: "kubo", text: Self.kubo), .init(upstream: "ipfs-cluster", text: Self.cluster)], upName: "up_x")
        let lines = merged.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("go_goroutines") } == ["go_goroutines 120"])
        #expect(lines.filter { $0 == "# TYPE go_goroutines gauge" }.count == 1)
        for kept in [
            "libp2p_rcmgr_streams_bucket{dir=\"in\",le=\"+Inf\"} 5", "libp2p_rcmgr_streams_count{dir=\"in\"} 5",
            "ipfs_bitswap_wantlist_total 3", "# TYPE cluster_peers gauge", "cluster_peers 3",
            "untyped_thing{a=\"b c\"} 1", "cluster_pins 12",
        ] {
            #expect(lines.contains(kept), "\(kept)")
        }
        #expect(!merged.contains("this is not a sample"))
        #expect(!merged.contains("a plain comment"))
        #expect(lines.suffix(2) == ["up_x{upstream=\"kubo\"} 1", "up_x{upstream=\"ipfs-cluster\"} 1"])
    }

    @Test func anUpstreamThatFailedIsLeftOutAndShowsZero() {
        let merged = PrometheusTextMerge.merge(
            [.init(upstream: "kubo", text: nil), .init(upstream: "ipfs-cluster", text: Self.cluster)], upName: "up_x")
        #expect(merged.contains("go_goroutines 40"))
        #expect(merged.contains("up_x{upstream=\"kubo\"} 0"))
        #expect(merged.contains("up_x{upstream=\"ipfs-cluster\"} 1"))
    }

    @Test(arguments: [
        ("a_total", "a", true), ("a_bucket", "a", true), ("a", "a", true), ("ab", "a", false), ("a_other", "a", false),
    ])
    func suffixesOfAFamily(name: String, family: String, belongs: Bool) {
        #expect(PrometheusTextMerge.belongs(name, to: family) == belongs)
    }

    @Test(arguments: [
        ("a 1", "a"), ("a{b=\"c\"} 1.5", "a"), ("a{b=\"} \\\" x\"} NaN", "a"), ("a +Inf 1700000000000", "a"),
        ("a_b:c{} -1e3", "a_b:c"), ("a", nil), ("a{b=\"c\" 1", nil), ("a one", nil), ("a 1 2 3", nil), ("9a 1", nil),
        ("a 1 x", nil),
    ] as [(String, String?)])
    func sampleLines(line: String, name: String?) {
        #expect(PrometheusTextMerge.sampleName(Substring(line)) == name)
    }

    @Test func upstreamsParseOnlyAsNameEqualsPlainHTTP() throws {
        let u = try MetricsProxy.Upstream(parsing: "kubo=http://127.0.0.1:5001/debug/metrics/prometheus")
        #expect(u.name == "kubo" && u.url == "http://127.0.0.1:5001/debug/metrics/prometheus")
        for bad in ["kubo", "=http://x", "Kubo=http://x", "kubo=https://x", "kubo=file:///etc/passwd", "a b=http://x"] {
            #expect(throws: MetricsProxy.UpstreamError.self) { try MetricsProxy.Upstream(parsing: bad) }
        }
    }
}
