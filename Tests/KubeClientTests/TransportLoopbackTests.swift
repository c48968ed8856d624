import Foundation
import KubeCore
import Synchronization
import Testing

@testable import KubeClient

/// `CurlTransport` against a plain-HTTP server on loopback.
@Suite("Transport over loopback HTTP", .serialized)
struct TransportLoopbackTests {
    private func json(_ data: Data) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: data)
        return try #require(object as? [String: Any])
    }

    @Test func sendReturnsStatusLowercasedHeadersAndBodyAndAddsAccept() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }

        let request = HTTPRequest(
            method: .post, path: "/echo", query: [QueryItem("a b", "c&d")], headers: ["X-Custom": "v1"],
            body: Data("{\"x\":1}".utf8))
        let (response, info) = try await transport.sendReportingInfo(request)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["x-test-header"] == "Mixed")
        #expect(info.httpVersion == "1.1")
        let echo = try json(response.body)
        #expect(echo["method"] as? String == "POST")
        #expect(echo["path"] as? String == "/echo?a%20b=c%26d")
        #expect(echo["body"] as? String == "{\"x\":1}")
        let headers = try #require(echo["headers"] as? [String: String])
        #expect(headers["accept"] == "application/json")
        #expect(headers["x-custom"] == "v1")
        #expect(headers["user-agent"] == TransportOptions.defaultUserAgent)
        #expect(headers["expect"] == nil)
        #expect(headers["content-type"] == nil, "no libcurl default content type")

        // A second request reuses the connection.
        let (_, second) = try await transport.sendReportingInfo(HTTPRequest(method: .get, path: "/echo"))
        #expect(second.newConnections == 0)
    }

    @Test func methodsBodiesAndAnExplicitAcceptAreSentAsGiven() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL + "/")
        defer { transport.shutdown() }

        for method in [HTTPMethod.put, .patch, .delete] {
            let response = try await transport.send(
                HTTPRequest(
                    method: method, path: "/echo",
                    headers: ["Accept": "application/yaml", "Content-Type": "application/merge-patch+json"],
                    body: Data("{\"m\":\"\(method.rawValue)\"}".utf8)))
            let echo = try json(response.body)
            #expect(echo["method"] as? String == method.rawValue)
            #expect(echo["body"] as? String == "{\"m\":\"\(method.rawValue)\"}")
            #expect((echo["headers"] as? [String: String])?["accept"] == "application/yaml")
            #expect((echo["headers"] as? [String: String])?["content-type"] == "application/merge-patch+json")
        }
        let get = try json(try await transport.send(HTTPRequest(method: .get, path: "/echo")).body)
        #expect(get["method"] as? String == "GET")
        #expect(get["body"] as? String == "")
    }

    @Test func anErrorStatusIsAResponse() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }
        let response = try await transport.send(HTTPRequest(method: .get, path: "/status", query: [QueryItem("code", "409")]))
        #expect(response.status == 409)
        #expect(try json(response.body)["status"] as? Int == 409)
    }

    @Test func bodiesOverTheCapFailWithBodyTooLarge() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL, options: TransportOptions(maxBodySize: 4000))
        defer { transport.shutdown() }

        let atLimit = try await transport.send(HTTPRequest(method: .get, path: "/bytes", query: [QueryItem("n", "4000")]))
        #expect(atLimit.body.count == 4000)
        for chunked in ["0", "1"] {
            await #expect(throws: TransportError.bodyTooLarge(limit: 4000)) {
                _ = try await transport.send(
                    HTTPRequest(method: .get, path: "/bytes", query: [QueryItem("n", "9000"), QueryItem("chunked", chunked)]))
            }
        }
        // The transport still works afterwards.
        #expect(try await transport.send(HTTPRequest(method: .get, path: "/echo")).status == 200)
        #expect(transport.openTransfers == 0)
    }

    /// Counts what a body sink receives; fails at `failAfter` bytes when set.
    final class CountingSink: HTTPBodySink {
        struct Failed: Error, Equatable {}
        let received = Mutex((bytes: 0, calls: 0))
        let failAfter: Int?
        init(failAfter: Int? = nil) { self.failAfter = failAfter }
        func receive(_ bytes: UnsafeRawBufferPointer) throws {
            let total = received.withLock { r in
                r.bytes += bytes.count
                r.calls += 1
                return r.bytes
            }
            if let failAfter, total >= failAfter { throw Failed() }
        }
    }

    @Test func aBodySinkGetsA2xxBodyAsItArrivesPastTheBodyCapAndAnErrorStatusKeepsItsBody() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL, options: TransportOptions(maxBodySize: 4000))
        defer { transport.shutdown() }

        // 9,000 bytes to the sink, in several calls, nothing held: the cap bounds held bodies.
        for chunked in ["0", "1"] {
            let sink = CountingSink()
            let response = try await transport.send(
                HTTPRequest(method: .get, path: "/bytes", query: [QueryItem("n", "9000"), QueryItem("chunked", chunked)]),
                bodySink: sink)
            #expect(response.status == 200 && response.body.isEmpty)
            #expect(sink.received.withLock { $0.bytes } == 9000)
        }
        // An error status is an ordinary response with its body; the sink sees none of it.
        let sink = CountingSink()
        let refused = try await transport.send(
            HTTPRequest(method: .get, path: "/status", query: [QueryItem("code", "404")]), bodySink: sink)
        #expect(refused.status == 404 && !refused.body.isEmpty)
        #expect(sink.received.withLock { $0.calls } == 0)
        // What the sink throws ends the request with that error.
        await #expect(throws: CountingSink.Failed()) {
            _ = try await transport.send(
                HTTPRequest(method: .get, path: "/bytes", query: [QueryItem("n", "9000"), QueryItem("chunked", "1")]),
                bodySink: CountingSink(failAfter: 1))
        }
        #expect(try await transport.send(HTTPRequest(method: .get, path: "/echo")).status == 200)
        #expect(transport.openTransfers == 0)
    }

    @Test func aSlowAnswerTimesOut() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }

        do {
            // The answer would take an hour: a timedOut error at all shows the timeout fired.
            _ = try await transport.send(
                HTTPRequest(method: .get, path: "/slow", query: [QueryItem("ms", "3600000")], timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch let error as TransportError {
            guard case .timedOut = error else {
                Issue.record("expected timedOut, got \(error)")
                return
            }
        }
    }

    @Test func aRefusedConnectionIsAConnectionError() async throws {
        // A port that was free a moment ago: bind, read the port, close.
        let server = try await TransportTestServer()
        let port = server.port
        await server.stopAndWait()
        let transport = try CurlTransport(server: "http://127.0.0.1:\(port)")
        defer { transport.shutdown() }
        do {
            _ = try await transport.send(HTTPRequest(method: .get, path: "/echo"))
            Issue.record("expected a connection error")
        } catch let error as TransportError {
            guard case .connection = error else {
                Issue.record("expected connection, got \(error)")
                return
            }
        }
    }

    @Test func streamedLinesSurviveChunksCutMidLine() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }

        let stream = try await transport.stream(HTTPRequest(method: .get, path: "/lines"))
        #expect(stream.status == 200)
        #expect(stream.headers["transfer-encoding"] == "chunked")
        var lines: [String] = []
        for try await line in stream.lines { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"])
    }

    @Test func aStalledStreamFailsWithIdle() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }

        let start = ContinuousClock.now
        let stream = try await transport.stream(HTTPRequest(method: .get, path: "/stall"), idleTimeout: .milliseconds(500))
        var lines: [String] = []
        do {
            for try await line in stream.lines { lines.append(String(decoding: line, as: UTF8.self)) }
            Issue.record("expected the stream to fail")
        } catch let error as TransportError {
            #expect(error == .idle(seconds: 1))
        }
        #expect(lines == ["first"])
        #expect(transport.openTransfers == 0)
        let elapsed = ContinuousClock.now - start
        // The idle timeout was respected; how much later the failure came depends on the load.
        #expect(elapsed >= .milliseconds(450))
    }

    @Test func theOptionsIdleTimeoutAppliesToPlainStreams() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(
            server: server.baseURL, options: TransportOptions(watchIdleTimeout: .milliseconds(300)))
        defer { transport.shutdown() }
        let stream = try await transport.stream(HTTPRequest(method: .get, path: "/stall"))
        await #expect(throws: TransportError.idle(seconds: 1)) {
            for try await _ in stream.lines {}
        }
    }

    @Test func aLateStreamHeadTimesOut() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }
        do {
            _ = try await transport.stream(
                HTTPRequest(method: .get, path: "/slow", query: [QueryItem("ms", "5000")], timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch let error as TransportError {
            guard case .timedOut = error else {
                Issue.record("expected timedOut, got \(error)")
                return
            }
        }
    }

    private func waitUntilClosed(_ transport: CurlTransport, id: String) async throws -> Bool {
        for _ in 0..<100 {
            let response = try await transport.send(HTTPRequest(method: .get, path: "/closed", query: [QueryItem("id", id)]))
            if try json(response.body)["closed"] as? Bool == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func cancellingTheConsumerClosesTheRequest() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }

        let stream = try await transport.stream(HTTPRequest(method: .get, path: "/forever", query: [QueryItem("id", "cancel")]))
        let (received, signal) = AsyncStream.makeStream(of: Int.self)
        let consumer = Task {
            var count = 0
            for try await _ in stream.lines {
                count += 1
                signal.yield(count)
            }
            return count
        }
        for await count in received where count >= 3 { break }
        consumer.cancel()
        let result = await consumer.result
        #expect((try? result.get()) != nil, "a cancelled consumer ends without an error")
        #expect(try await waitUntilClosed(transport, id: "cancel"))
        #expect(transport.openTransfers == 0)
    }

    @Test func droppingTheStreamClosesTheRequest() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }

        func readTwoLinesAndDrop() async throws {
            let stream = try await transport.stream(
                HTTPRequest(method: .get, path: "/forever", query: [QueryItem("id", "drop")]))
            var count = 0
            for try await _ in stream.lines {
                count += 1
                if count == 2 { break }
            }
        }
        try await readTwoLinesAndDrop()
        #expect(try await waitUntilClosed(transport, id: "drop"))
        #expect(transport.openTransfers == 0)
    }

    @Test func cancellingSendAbortsIt() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }

        // The answer would take an hour: the task ending at all shows cancellation aborted it.
        let task = Task {
            try await transport.send(HTTPRequest(method: .get, path: "/slow", query: [QueryItem("ms", "3600000")]))
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(transport.openTransfers == 0)
    }

    @Test func manyConcurrentRequestsAllComplete() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        defer { transport.shutdown() }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<40 {
                group.addTask {
                    try await transport.send(HTTPRequest(method: .get, path: "/status", query: [QueryItem("code", "\(200 + i % 3)")])).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.sorted() == (0..<40).map { 200 + $0 % 3 }.sorted())
    }

    @Test func shutdownFailsOpenStreamsAndLaterRequests() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)

        let stream = try await transport.stream(HTTPRequest(method: .get, path: "/stall"))
        transport.shutdown()
        await #expect(throws: TransportError.other("transport shut down")) {
            for try await _ in stream.lines {}
        }
        await #expect(throws: TransportError.other("transport shut down")) {
            _ = try await transport.send(HTTPRequest(method: .get, path: "/echo"))
        }
        transport.shutdown()  // idempotent
    }

    @Test func aSlowConsumerPausesTheTransferInsteadOfBuffering() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(
            server: server.baseURL, options: TransportOptions(streamBufferLimit: 100))
        defer { transport.shutdown() }

        // `/forever` produces ~50 lines/s; a consumer that waits still gets every line in
        // order once it reads, so pausing loses nothing.
        let stream = try await transport.stream(HTTPRequest(method: .get, path: "/forever", query: [QueryItem("id", "slow")]))
        try await Task.sleep(for: .milliseconds(500))
        var values: [Int] = []
        for try await line in stream.lines {
            let object = try JSONSerialization.jsonObject(with: line) as? [String: Int]
            values.append(object?["i"] ?? -1)
            if values.count == 40 { break }
        }
        #expect(values == Array(0..<40))
    }
}

/// `KubeClient.shutdown()`: what a command-line process calls before it exits.
@Suite("KubeClient shutdown over loopback HTTP", .serialized)
struct KubeClientShutdownTests {
    @Test func shutdownEndsAnOpenStreamAndRefusesLaterRequests() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL)
        let client = KubeClient(transport: transport)
        let stream = try await transport.stream(HTTPRequest(method: .get, path: "/stall"))
        let reading = Task { () -> String in
            do {
                for try await _ in stream.lines {}
                return "finished"
            } catch {
                return "\(error)"
            }
        }
        #expect(transport.openTransfers == 1)
        client.shutdown()
        #expect(await reading.value.contains("shut down"), "the open stream fails with the shutdown")
        #expect(transport.openTransfers == 0)
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(method: .get, path: "/echo"))
        }
        client.shutdown()  // idempotent
    }
}
