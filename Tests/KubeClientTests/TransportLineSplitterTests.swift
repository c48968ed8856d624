import Foundation
import Testing

@testable import KubeClient

@Suite("Transport line splitter")
struct TransportLineSplitterTests {
    static let input = Data("{\"a\":1}\n\r\n{\"b\":\"x\\ny\"}\r\nplain\n\nlast-unterminated\r".utf8)
    static let expected = ["{\"a\":1}", "", "{\"b\":\"x\\ny\"}", "plain", "", "last-unterminated"].map { Data($0.utf8) }

    private func split(_ chunks: [Data]) -> [Data] {
        var splitter = LineSplitter()
        var lines: [Data] = []
        for chunk in chunks { lines += splitter.feed(chunk) }
        if let last = splitter.finish() { lines.append(last) }
        return lines
    }

    @Test func wholeInputInOneChunk() {
        #expect(split([Self.input]) == Self.expected)
    }

    @Test func twoChunksCutAtEveryPosition() {
        let bytes = Self.input
        for cut in 0...bytes.count {
            let lines = split([bytes.subdata(in: 0..<cut), bytes.subdata(in: cut..<bytes.count)])
            #expect(lines == Self.expected, "cut at \(cut)")
        }
    }

    @Test func threeChunksCutAtEveryPairOfPositions() {
        let bytes = Self.input
        for first in 0...bytes.count {
            for second in first...bytes.count {
                let chunks = [
                    bytes.subdata(in: 0..<first), bytes.subdata(in: first..<second),
                    bytes.subdata(in: second..<bytes.count),
                ]
                #expect(split(chunks) == Self.expected, "cuts at \(first), \(second)")
            }
        }
    }

    @Test func oneByteAtATime() {
        let chunks = Self.input.map { Data([$0]) }
        #expect(split(chunks) == Self.expected)
    }

    @Test func pendingBytesAreCountedAndNothingIsLeftAfterACompleteLine() {
        var splitter = LineSplitter()
        #expect(splitter.feed(Data("abc".utf8)).isEmpty)
        #expect(splitter.pendingCount == 3)
        #expect(splitter.feed(Data("d\r\n".utf8)) == [Data("abcd".utf8)])
        #expect(splitter.pendingCount == 0)
        #expect(splitter.finish() == nil)
    }
}
