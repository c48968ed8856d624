import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

@testable import KubeBenchmark

@Suite struct BenchmarkFiguresTests {
    @Test func theBenchChildReadsProtobufAsTheConfigMapItIs() throws {
        // A ConfigMap message: metadata {name "c"}, data {"k": "v"}.
        let message = Data([0x0A, 0x03, 0x0A, 0x01, 0x63, 0x12, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x76])
        let child = try KubeProtobuf.decodeMessage(BenchChildConfigMap.self, from: message)
        let configMap = try KubeProtobuf.decodeMessage(ConfigMap.self, from: message)
        #expect(child.metadata == configMap.metadata && child.data == ["k": "v"] && configMap.data == ["k": "v"])
        #expect(KubeProtobuf.objectDecoder(for: BenchChildConfigMap.self) != nil)
    }

    @Test func nearestRankPercentiles() {
        let samples = (1...100).reversed().map { Duration.milliseconds($0) }
        let s = LatencySummary(samples)
        #expect(s.p50 == .milliseconds(50))
        #expect(s.p99 == .milliseconds(99))
        #expect(s.percentile(100) == .milliseconds(100))
        #expect(s.percentile(0.1) == .milliseconds(1))
        #expect(s.min == .milliseconds(1))
    }

    @Test func percentilesOfFewSamples() {
        let s = LatencySummary([.milliseconds(30), .milliseconds(10), .milliseconds(20)])
        #expect(s.p50 == .milliseconds(20))
        #expect(s.p99 == .milliseconds(30))
        #expect(LatencySummary([]).p50 == nil)
    }

    @Test func cpuSecondsOfAProcStatLine() {
        // utime 250 and stime 50 ticks; the command name holds a space and a parenthesis.
        let line = "4242 (kube apiserver) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 9 1 1"
        #expect(ProcessCPUTime.seconds(statLine: line, ticksPerSecond: 100) == 3.0)
        #expect(ProcessCPUTime.seconds(statLine: "4242 (short) S 1", ticksPerSecond: 100) == nil)
        #expect(ProcessCPUTime.seconds(statLine: line, ticksPerSecond: 0) == nil)
        #expect(ProcessCPUTime.seconds(pid: getpid()) != nil)
        #expect(ProcessCPUTime.seconds(pids: [getpid(), Int32.max]) == nil)
    }

    @Test func spreadOfRuns() {
        let odd = Spread([1.4, 1.1, 1.2])
        #expect(odd.median == 1.2)
        #expect(odd.min == 1.1)
        #expect(odd.max == 1.4)
        #expect(odd.count == 3)
        #expect(Spread([1, 2, 3, 4]).median == 2.5)
        #expect(Spread([]).median == 0)
    }

    @Test func ratioOfOneRun() {
        let run = ThroughputRun(
            plainSeconds: 2, controllerSeconds: 3, firstListAnswerSeconds: nil, syncedSeconds: nil,
            firstApplySeconds: nil, plainRequests: 1000, controllerRequests: 1004, plainConnections: 0,
            controllerConnections: 1)
        #expect(run.ratio == 1.5)
    }

    @Test func referenceRatiosUseTheRunsThatMeasuredTheReference() {
        func run(plain: Double, reference: Double?, controller: Double) -> ThroughputRun {
            ThroughputRun(
                plainSeconds: plain, controllerSeconds: controller, firstListAnswerSeconds: nil, syncedSeconds: nil,
                firstApplySeconds: nil, plainRequests: 0, controllerRequests: 0, plainConnections: 0,
                controllerConnections: 0,
                informed: reference.map { InformedRun(seconds: $0, cpuSeconds: 0, serverCPUSeconds: nil) })
        }
        let result = ReconcileBenchmarkResult(
            objects: 1, concurrency: 1, createParentsSeconds: 0,
            runs: [run(plain: 2, reference: 2.2, controller: 2.42), run(plain: 1, reference: nil, controller: 5)],
            plainApplyLatency: LatencySummary([]), controllerApplyLatency: LatencySummary([]),
            touch: ConvergedReconcile(reconciles: 0, requests: 0, writes: 0),
            restart: ConvergedReconcile(reconciles: 0, requests: 0, writes: 0), latency: LatencySummary([]))
        #expect(result.informedApplySeconds == Spread([2.2]))
        #expect(abs(result.informedRatio.median - 1.1) < 1e-9)
        #expect(abs(result.controllerOverInformedRatio.median - 1.1) < 1e-9)
        #expect(result.ratio == Spread([1.21, 5]))
    }

    @Test func probeWakesWaitersAtTheirCount() async {
        let probe = ReconcileProbe()
        let waiter = Task { () -> Int in
            await probe.waitForApplies(2)
            return probe.applies
        }
        await Task.yield()
        probe.applied(parent: "p-0", value: "v", at: .now)
        probe.applied(parent: "p-1", value: "v", at: .now)
        #expect(await waiter.value >= 2)
        #expect(probe.firstApplyAt != nil)
        await probe.waitForApplies(1)  // reached already: returns at once
        probe.reset()
        #expect(probe.applies == 0)
        #expect(probe.firstApplyAt == nil)
    }

    @Test func probeWaiterReturnsWhenCancelled() async {
        let probe = ReconcileProbe()
        let waiter = Task { await probe.waitForApplies(5) }
        waiter.cancel()
        await waiter.value
        #expect(probe.applies == 0)
    }

    @Test func durationInMilliseconds() {
        #expect(Duration.microseconds(1500).milliseconds == 1.5)
        #expect(Duration.seconds(2).seconds == 2)
    }

    @Test func parsesProcStatus() {
        let text = "Name:\tx\nVmPeak:\t  999 kB\nVmHWM:\t   40960 kB\nVmRSS:\t   20480 kB\nThreads: 3\n"
        let m = ProcessMemory.parse(status: text)
        #expect(m == ProcessMemory(residentBytes: 20 << 20, peakResidentBytes: 40 << 20))
        let withAnon = ProcessMemory.parse(status: text + "RssAnon:\t 1024 kB\n")
        #expect(withAnon?.anonymousBytes == 1 << 20)
        #expect(ProcessMemory.parse(status: "Name: x\n") == nil)
    }

    @Test func readsOwnMemoryOnLinux() throws {
        #if os(Linux)
        let m = try #require(ProcessMemory.current())
        #expect(m.residentBytes > 0)
        #expect(m.peakResidentBytes >= m.residentBytes)
        #endif
    }

    @Test func countsRequestsByMethod() async throws {
        let scripted = ScriptedTransport()
        let counting = CountingTransport(wrapping: scripted)
        let client = KubeClient(transport: counting)
        let body = #"{"metadata":{"name":"a","namespace":"default"}}"#
        scripted.on(.get, "/api/v1/namespaces/default/configmaps/a", json: body)
        scripted.on(.patch, "/api/v1/namespaces/default/configmaps/a", json: body)
        _ = try await client.get(KubeCore.ConfigMap.self, name: "a")
        _ = try await client.apply(
            KubeCore.ConfigMap(metadata: ObjectMeta(name: "a", namespace: "default")), fieldManager: "bench-test")
        #expect(counting.total == 2)
        #expect(counting.writes == 1)
        #expect(counting.byMethod[.patch] == 1)
        #expect(counting.latencies(.patch).count == 1)
        #expect(counting.latencies(.get).count == 1)
        #expect(counting.firstAnswer(.get) != nil)
        #expect(counting.newConnections == 0)
        counting.reset()
        #expect(counting.total == 0)
        #expect(counting.latencies(.patch).count == 0)
        #expect(counting.firstAnswer(.get) == nil)
    }

    @Test func desiredChildCopiesDataAndOwner() throws {
        var parent = KubeCore.ConfigMap(
            metadata: ObjectMeta(name: "p", namespace: "bench"), data: ["value": "v1", "payload": "x"])
        #expect(ParentChildReconciler.desiredChild(of: parent, identity: .testOperator) == nil)
        parent.metadata.uid = "uid-1"
        let child = try #require(ParentChildReconciler.desiredChild(of: parent, identity: .testOperator))
        #expect(child.metadata.name == "p-child")
        #expect(child.metadata.namespace == "bench")
        #expect(child.data == parent.data)
        #expect(child.metadata.ownerReferences?.first?.uid == "uid-1")
        #expect(child.metadata.ownerReferences?.first?.controller == true)
        #expect(
            child.metadata.labels == ["app.kubernetes.io/managed-by": "test-operator", "kube-benchmark/role": "child"])
    }

    @Test func theControllersUserAgentNamesTheIdentity() {
        let benchmark = ReconcileBenchmark(
            configuration: ClientConfiguration(server: "https://127.0.0.1:1"), identity: .testOperator,
            namespace: "bench")
        #expect(benchmark.controllerUserAgent == "test-operator-bench-controller/0.0.0")
    }

    @Test func payloadIsAboutOneKilobyteAndDistinct() {
        #expect(BenchmarkObjects.payload(index: 7).utf8.count == 1000)
        #expect(BenchmarkObjects.payload(index: 7) != BenchmarkObjects.payload(index: 8))
    }

    @Test func auditLogCountsWritesOfOneUserAgent() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = [
            #"{"stage":"ResponseComplete","verb":"patch","userAgent":"test-operator-bench-controller/0.0.0"}"#,
            #"{"stage":"ResponseStarted","verb":"watch","userAgent":"test-operator-bench-controller/0.0.0"}"#,
            #"{"stage":"ResponseComplete","verb":"list","userAgent":"test-operator-bench-controller/0.0.0"}"#,
            #"{"stage":"ResponseComplete","verb":"create","userAgent":"kubectl/v1.20"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let counter = AuditLogCounter(path: path)
        #expect(
            try counter.count(from: 0, userAgentPrefix: "test-operator-bench-controller/", verbs: AuditLogCounter.writeVerbs)
                == 1)
        let end = counter.currentOffset()
        #expect(try counter.count(from: end, userAgentPrefix: "", verbs: AuditLogCounter.writeVerbs) == 0)
    }
}
