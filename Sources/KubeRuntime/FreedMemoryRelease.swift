#if canImport(Glibc)
import Glibc
#endif

/// Hands memory the allocator holds but no longer uses back to the operating system.
///
/// glibc's malloc keeps freed heap pages mapped, so after a big list (whose response body,
/// JSON parse state and replaced store content are freed together) the process's resident
/// memory would otherwise stay at the list's peak. Calls glibc's `malloc_trim(0)` (looked up
/// at run time: Swift's Glibc module does not export `malloc.h`); does nothing elsewhere.
/// Public so that a memory benchmark can do what `Reflector` does after each list.
public enum FreedMemoryRelease {
    private typealias MallocTrim = @convention(c) (Int) -> Int32

    /// Releases the freed memory now (`malloc_trim(0)` on glibc; a no-op elsewhere).
    public static func now() {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
