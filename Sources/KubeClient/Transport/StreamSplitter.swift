import Foundation
import KubeCore

/// How a streaming response's body is cut into the elements of its ``HTTPLineStream``: lines,
/// unless the response is a protobuf watch stream (`…protobuf;stream=watch`), whose frames carry
/// their lengths. An error answer to a protobuf request is one message, not frames: lines, which
/// `HTTPLineStream.collectBody` joins back.
enum StreamSplitter: Sendable {
    case lines(LineSplitter)
    case frames(LengthPrefixedFrameSplitter)

    /// The splitter for a response with this `Content-Type`.
    init(contentType: String?) {
        self = KubeProtobuf.isProtobufWatchStream(contentType: contentType) ? .frames(.init()) : .lines(.init())
    }

    var pendingCount: Int {
        switch self {
        case .lines(let s): return s.pendingCount
        case .frames(let s): return s.pendingCount
        }
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Data] {
        switch self {
        case .lines(var s):
            self = .lines(LineSplitter())
            defer { self = .lines(s) }
            return s.feed(bytes)
        case .frames(var s):
            self = .frames(LengthPrefixedFrameSplitter())
            defer { self = .frames(s) }
            return s.feed(bytes)
        }
    }

    mutating func finish() -> Data? {
        switch self {
        case .lines(var s):
            defer { self = .lines(s) }
            return s.finish()
        case .frames(var s):
            defer { self = .frames(s) }
            return s.finish()
        }
    }
}
