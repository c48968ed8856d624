import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where log lines go: a file descriptor (standard error by default) or, in tests, a closure.
///
/// Each line is written whole, under a lock, so lines from concurrent tasks never interleave.
public struct LogSink: Sendable {
    private let writeLine: @Sendable (String) -> Void

    /// A sink calling `write` with each complete line (including its trailing newline).
    public init(_ write: @escaping @Sendable (String) -> Void) { self.writeLine = write }

    /// Writes each line with one `write(2)` loop on `fileDescriptor`, under a process-wide lock.
    public static func fileDescriptor(_ fd: Int32) -> LogSink {
        LogSink { line in
            fdLock.withLock { _ in
                var bytes = Array(line.utf8)
                var offset = 0
                while offset < bytes.count {
                    let n = bytes.withUnsafeMutableBytes { buf in
                        write(fd, buf.baseAddress! + offset, buf.count - offset)
                    }
                    if n <= 0 {
                        if n < 0 && errno == EINTR { continue }
                        return
                    }
                    offset += n
                }
            }
        }
    }

    /// Standard error (the Kubernetes convention for controller logs).
    public static var standardError: LogSink { fileDescriptor(2) }
    /// Standard output.
    public static var standardOutput: LogSink { fileDescriptor(1) }

    func emit(_ line: String) { writeLine(line) }
}

private let fdLock = Mutex<Void>(())
