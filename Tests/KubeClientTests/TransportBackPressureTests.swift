import Foundation
import KubeCore
import Testing

@testable import KubeClient

/// A consumer that stops reading pauses the transfer (the server's bytes stay in the socket),
/// through the decoding stage too; reading again resumes it without losing a line.
@Suite("Transport back-pressure over loopback", .serialized)
struct TransportBackPressureTests {
    /// Polls `condition` every 10 ms, for up to 30 s (a generous bound for a loaded machine).
    private func poll(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<3000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func aConsumerThatStopsReadingPausesTheTransferAndLosesNothing() async throws {
        let server = try await TransportTestServer()
        defer { server.stop() }
        let transport = try CurlTransport(server: server.baseURL, options: TransportOptions(streamBufferLimit: 300))
        defer { transport.shutdown() }

        // `/forever` sends `{"i":N}` lines every 20 ms; nobody reads for now.
        let stream = try await transport.stream(
            HTTPRequest(method: .get, path: "/forever", query: [QueryItem("id", "pressure")]))
        let values = stream.decodedLines { line -> Int? in
            let object = try JSONSerialization.jsonObject(with: line) as? [String: Int]
            return object?["i"]
        }
        #expect(await poll { transport.pausedStreams == 1 }, "300 bytes unread pause the transfer")

        var received: [Int] = []
        for try await value in values {
            received.append(value)
            if received.count == 60 { break }
        }
        #expect(received == Array(0..<60), "every line, in order, across pauses")
        #expect(transport.openTransfers == 1)
    }
}
