import Foundation
import Synchronization
import Testing

@testable import KubeClient

@Suite("Transport stream buffer")
struct TransportStreamBufferTests {
    final class Counters: Sendable {
        let resumes = Atomic<Int>(0)
        let cancels = Atomic<Int>(0)
    }

    @Test func pausesAboveTheLimitAndResumesBelowHalf() async throws {
        let counters = Counters()
        let buffer = StreamLineBuffer(
            limit: 100, resumeProducer: { counters.resumes.add(1, ordering: .relaxed) },
            cancelProducer: { counters.cancels.add(1, ordering: .relaxed) })
        let line = Data(repeating: 0x61, count: 30)
        buffer.deliver([line, line, line])  // 90 bytes
        #expect(!buffer.shouldPause())
        buffer.deliver([line])  // 120 bytes
        #expect(buffer.shouldPause())
        #expect(buffer.isPaused)

        _ = try await buffer.next()  // 90 left
        _ = try await buffer.next()  // 60 left: still above half
        #expect(counters.resumes.load(ordering: .relaxed) == 0)
        _ = try await buffer.next()  // 30 left
        #expect(counters.resumes.load(ordering: .relaxed) == 1)
        #expect(!buffer.isPaused)
        #expect(try await buffer.next() == line)
        buffer.finish(nil)
        #expect(try await buffer.next() == nil)
        #expect(counters.cancels.load(ordering: .relaxed) == 0)
    }

    @Test func deliversLinesBeforeTheErrorThatEndedTheStream() async throws {
        let buffer = StreamLineBuffer(limit: 100, resumeProducer: {}, cancelProducer: {})
        buffer.deliver([Data("a".utf8)])
        buffer.finish(TransportError.idle(seconds: 1))
        #expect(try await buffer.next() == Data("a".utf8))
        await #expect(throws: TransportError.idle(seconds: 1)) { _ = try await buffer.next() }
    }

    @Test func cancellingAWaitingConsumerEndsItAndCancelsTheProducerOnce() async throws {
        let counters = Counters()
        let buffer = StreamLineBuffer(
            limit: 100, resumeProducer: {}, cancelProducer: { counters.cancels.add(1, ordering: .relaxed) })
        let consumer = Task { try await buffer.next() }
        try await Task.sleep(for: .milliseconds(50))
        consumer.cancel()
        #expect(try await consumer.value == nil)
        buffer.cancel()
        #expect(counters.cancels.load(ordering: .relaxed) == 1)
    }

    @Test func droppingTheConsumerTokenCancelsTheProducer() {
        let counters = Counters()
        let buffer = StreamLineBuffer(
            limit: 100, resumeProducer: {}, cancelProducer: { counters.cancels.add(1, ordering: .relaxed) })
        var token: StreamConsumerToken? = StreamConsumerToken(buffer: buffer)
        #expect(token != nil)
        token = nil
        #expect(counters.cancels.load(ordering: .relaxed) == 1)
    }
}
