import Foundation
import KubeCore

extension KubeClient {
    /// How long a followed pod log may send nothing before it is taken for dead: 24 hours.
    public static let followedLogIdleLimit = Duration.seconds(24 * 3600)

    /// Streams the log of one pod's container, line by line, as the pod log API sends it.
    ///
    /// Lines come without their `\n` (and a `\r` before it), decoded as UTF-8 (invalid bytes
    /// replaced by U+FFFD); the last line is delivered even without a final newline. Memory is
    /// bounded like a watch's: lines are decoded only as the consumer asks for them, and unread
    /// ones wait in the transport's bounded stream buffer, which pauses the transfer
    /// (`TransportOptions.streamBufferLimit`); a single line longer than
    /// `TransportOptions.maxLineSize` ends the stream with `TransportError.lineTooLong`.
    ///
    /// Without `options.follow` the stream ends after the lines already written; with it, when
    /// the container stops (or the server closes the request). A followed log may stay silent
    /// for up to ``followedLogIdleLimit`` (not the transport's watch idle limit: an app may log
    /// nothing for hours); a dead connection is still found by TCP keep-alive and
    /// `TransportOptions.tcpUserTimeout`. A non-2xx answer (no such pod, a container name
    /// needed, the container not started yet) is thrown as `KubeAPIError` before any line.
    /// Ending the iteration (or cancelling the task) closes the request.
    public func podLogs(name: String, namespace: String? = nil, options: PodLogOptions = .init())
        async throws -> AsyncThrowingStream<String, any Error>
    {
        var request = APIRequests.podLogs(namespace: namespace ?? defaultNamespace, name: name, options: options)
        request.timeout = .seconds(30)
        let idle = options.follow ? Self.followedLogIdleLimit : nil
        return try await stream(request, idleTimeout: idle).decodedLines { line in String(decoding: line, as: UTF8.self) }
    }
}
