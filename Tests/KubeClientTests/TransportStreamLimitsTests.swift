import Foundation
import KubeCore
import Synchronization
import Testing

@testable import KubeClient

/// A counter shared with `@Sendable` closures.
final class PullCounter: Sendable {
    private let value = Atomic<Int>(0)
    /// Adds one and returns the new count.
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
    var count: Int { value.load(ordering: .relaxed) }
}

/// A transport whose every stream is an endless watch that counts the lines it was asked for.
final class PullCountingTransport: HTTPTransport {
    let pulls = PullCounter()

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        HTTPResponse(status: 404, body: Data(#"{"kind":"Status","code":404}"#.utf8))
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        let pulls = self.pulls
        let lines = AsyncThrowingStream<Data, any Error>(unfolding: {
            let n = pulls.increment()
            // Every third line is empty (a keep-alive), which the watch skips.
            if n % 3 == 0 { return Data() }
            let line = #"{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-\#(n)","namespace":"default","resourceVersion":"\#(n)"}}}"#
            return Data(line.utf8)
        })
        return HTTPLineStream(status: 200, headers: [:], lines: lines)
    }
}

/// Stream limits: the longest line, back-pressure through decoding, idle detection, and the
/// TCP settings that find dead connections.
@Suite("Transport stream limits", .serialized)
struct TransportStreamLimitsTests {
    @Test func aWatchDecodesOnlyWhatItsConsumerReads() async throws {
        let transport = PullCountingTransport()
        let client = KubeClient(transport: transport)
        let events = try await client.watch(ConfigMap.self, namespace: "default")
        var names: [String] = []
        for try await event in events {
            guard case .added(let configMap) = event else { continue }
            names.append(configMap.metadata.name ?? "")
            if names.count == 4 { break }
        }
        #expect(names == ["cm-1", "cm-2", "cm-4", "cm-5"])
        // Nothing read ahead: a slow consumer leaves lines in the transport's bounded buffer.
        #expect(transport.pulls.count == 5)
    }

    @Test func decodedLinesPullOneLineAtATimeAndEndWithTheFirstError() async throws {
        let pulls = PullCounter()
        let source = AsyncThrowingStream<Data, any Error>(unfolding: {
            let n = pulls.increment()
            return Data("\(n)".utf8)
        })
        struct Odd: Error {}
        let decoded = HTTPLineStream(status: 200, headers: [:], lines: source).decodedLines { line -> Int? in
            let n = Int(String(decoding: line, as: UTF8.self)) ?? -1
            if n == 5 { throw Odd() }
            return n % 2 == 0 ? n : nil
        }
        var iterator = decoded.makeAsyncIterator()
        #expect(try await iterator.next() == 2)
        #expect(pulls.count == 2)
        #expect(try await iterator.next() == 4)
        #expect(pulls.count == 4)
        await #expect(throws: Odd.self) { _ = try await iterator.next() }
        #expect(try await iterator.next() == nil)
        #expect(pulls.count == 5)
    }

    @Test func aLineLongerThanTheCapFailsTheStreamAndClosesIt() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL, options: TransportOptions(maxLineSize: 4000))
        defer { transport.shutdown() }

        // A chunked body of 10 MB without a newline: one line that never ends.
        let stream = try await transport.stream(
            HTTPRequest(method: .get, path: "/bytes", query: [QueryItem("n", "10000000"), QueryItem("chunked", "1")]))
        #expect(stream.status == 200)
        await #expect(throws: TransportError.lineTooLong(limit: 4000)) {
            for try await _ in stream.lines {}
        }
        #expect(transport.openTransfers == 0)

        // Lines within the cap are fine, and the transport still works.
        let lines = try await transport.stream(HTTPRequest(method: .get, path: "/lines"))
        var received: [String] = []
        for try await line in lines.lines { received.append(String(decoding: line, as: UTF8.self)) }
        #expect(received == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#, #"{"n":4}"#])
    }

    @Test func aSilentStreamFailsWithIdleThroughTheDecodingStage() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(
            server: server.baseURL, options: TransportOptions(watchIdleTimeout: .milliseconds(300)))
        defer { transport.shutdown() }
        let stream = try await transport.stream(HTTPRequest(method: .get, path: "/stall"))
        let decoded = stream.decodedLines { String(decoding: $0, as: UTF8.self) }
        var lines: [String] = []
        await #expect(throws: TransportError.idle(seconds: 1)) {
            for try await line in decoded { lines.append(line) }
        }
        #expect(lines == ["first"])
        #expect(transport.openTransfers == 0)
    }

    @Test func theDefaultsFindADeadConnectionWithinAboutAMinute() {
        let options = TransportOptions()
        #expect(options.keepAliveInterval.components.seconds == 30)
        #expect(options.keepAliveProbeInterval.components.seconds == 10)
        #expect(options.keepAliveProbeCount == 3)
        #expect(options.tcpUserTimeout?.components.seconds == 60)
        // Idle, then the probes: about a minute.
        let probing = options.keepAliveInterval + options.keepAliveProbeInterval * options.keepAliveProbeCount
        #expect(probing.components.seconds == 60)
        // Two bookmark intervals (the API server sends one about every minute).
        #expect(options.watchIdleTimeout.components.seconds == 2 * 60)
        #expect(options.maxLineSize == 8 << 20)
        #expect(options.streamBufferLimit == 8 << 20)
        #expect(TCPSocketTuning(options: options) == TCPSocketTuning(keepAliveProbeCount: 3, userTimeoutMilliseconds: 60_000))
    }

    @Test func theTCPTuningPacksIntoThePointerAndClamps() {
        let tuning = TCPSocketTuning(keepAliveProbeCount: 7, userTimeoutMilliseconds: 45_000)
        #expect(TCPSocketTuning(packed: tuning.packed) == tuning)
        #expect(TCPSocketTuning(keepAliveProbeCount: 1000, userTimeoutMilliseconds: -5)
            == TCPSocketTuning(keepAliveProbeCount: 255, userTimeoutMilliseconds: 0))
        #expect(TCPSocketTuning(options: TransportOptions(keepAliveProbeCount: 0, tcpUserTimeout: nil)).isEmpty)
    }

    #if os(Linux)
        @Test func theTCPTuningSetsKeepAliveCountAndUserTimeoutOnASocket() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(fd >= 0)
            defer { close(fd) }
            TCPSocketTuning(keepAliveProbeCount: 4, userTimeoutMilliseconds: 42_000).apply(toSocket: fd)

            func read(_ option: Int32) -> Int32 {
                var value: Int32 = -1
                var size = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(fd, Int32(IPPROTO_TCP), option, &value, &size)
                return value
            }
            #expect(read(TCP_KEEPCNT) == 4)
            #expect(read(TCP_USER_TIMEOUT) == 42_000)
        }
    #endif

    @Test func requestsWorkWithTheTCPTuningInstalled() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(
            server: server.baseURL,
            options: TransportOptions(keepAliveProbeInterval: .milliseconds(1500), keepAliveProbeCount: 2, tcpUserTimeout: .milliseconds(5000)))
        defer { transport.shutdown() }
        let response = try await transport.send(HTTPRequest(method: .get, path: "/echo"))
        #expect(response.status == 200)
    }
}
