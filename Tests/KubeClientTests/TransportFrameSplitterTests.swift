import Foundation
import Testing

@testable import KubeClient

@Suite("Transport frame splitter (protobuf watch streams)")
struct TransportFrameSplitterTests {
    static let frames = [Data("first".utf8), Data(), Data(repeating: 0x0A, count: 300), Data([0, 0, 0, 1])]
    static let input = frames.reduce(into: Data()) { stream, frame in
        let n = frame.count
        stream.append(contentsOf: [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)])
        stream.append(frame)
    }

    private func split(_ chunks: [Data]) -> [Data] {
        var splitter = LengthPrefixedFrameSplitter()
        var frames: [Data] = []
        for chunk in chunks { frames += chunk.withUnsafeBytes { splitter.feed($0) } }
        #expect(splitter.finish() == nil)
        return frames
    }

    @Test func twoChunksCutAtEveryPosition() {
        for cut in 0...Self.input.count {
            let frames = split([Self.input.subdata(in: 0..<cut), Self.input.subdata(in: cut..<Self.input.count)])
            #expect(frames == Self.frames, "cut at \(cut)")
        }
    }

    @Test func oneByteAtATime() {
        #expect(split(Self.input.map { Data([$0]) }) == Self.frames)
    }

    @Test func aFrameAnnouncedOverTheCapIsSeenAtItsHead() {
        var splitter = LengthPrefixedFrameSplitter()
        _ = Data([0x01, 0x00, 0x00, 0x00, 0x41]).withUnsafeBytes { splitter.feed($0) }
        #expect(splitter.pendingCount == 4 + (1 << 24))
    }

    @Test func theResponseContentTypeChoosesTheSplitter() {
        var frames = StreamSplitter(contentType: "application/vnd.kubernetes.protobuf;stream=watch")
        #expect(Self.input.withUnsafeBytes { frames.feed($0) } == Self.frames)
        for contentType in ["application/json", "application/vnd.kubernetes.protobuf", nil] {
            // JSON lines, and the one message of an error answer to a protobuf watch request.
            var lines = StreamSplitter(contentType: contentType)
            #expect(Data("a\nb\n".utf8).withUnsafeBytes { lines.feed($0) } == [Data("a".utf8), Data("b".utf8)])
        }
    }
}
