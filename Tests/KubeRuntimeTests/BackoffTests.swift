import Foundation
import Testing

@testable import KubeRuntime

@Suite struct BackoffTests {
    @Test func doublesFromPointEightSecondsToThirty() {
        var b = Backoff()
        let t0 = ContinuousClock.now
        let delays = (0..<9).map { i in b.next(at: t0 + .seconds(i), random: 0) }
        #expect(
            delays == [
                .milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400),
                .milliseconds(12800), .milliseconds(25600), .seconds(30), .seconds(30), .seconds(30),
            ])
    }

    @Test func jitterLengthensUpToTheFactorAndIsCapped() {
        var b = Backoff()
        let t0 = ContinuousClock.now
        #expect(b.next(at: t0, random: 0.5) == .milliseconds(1200))
        #expect(b.next(at: t0, random: 0.999) < .milliseconds(3200))
        #expect(b.next(at: t0, random: 0.999) > .milliseconds(6300))
        for _ in 0..<5 { _ = b.next(at: t0, random: 0.9) }
        #expect(b.next(at: t0, random: 0.9) == .seconds(30))
    }

    @Test func resetsAfterTwoMinutesWithoutFailure() {
        var b = Backoff()
        let t0 = ContinuousClock.now
        for i in 0..<5 { _ = b.next(at: t0 + .seconds(i), random: 0) }
        // Failures close together keep growing.
        #expect(b.next(at: t0 + .seconds(60), random: 0) == .milliseconds(25600))
        // Two quiet minutes start over.
        #expect(b.next(at: t0 + .seconds(180), random: 0) == .milliseconds(800))
        #expect(b.next(at: t0 + .seconds(181), random: 0) == .milliseconds(1600))
        b.reset()
        #expect(b.next(at: t0 + .seconds(182), random: 0) == .milliseconds(800))
    }
}
