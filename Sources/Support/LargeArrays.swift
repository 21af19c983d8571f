#if canImport(Glibc)
    import Glibc
#endif

/// Large output arrays. Fresh memory is expensive to touch page by page (a fault per 4 kB, far more
/// under virtualisation); big outputs ask the kernel for transparent huge pages and are written once
/// without being zeroed first.
public enum LargeArrays {
    /// Arrays at least this large (in bytes) are advised to use huge pages.
    public static let hugePageThreshold = 4 << 20

    /// An array of `count` elements filled by `fill`, which must initialise every element. Inlinable for the same
    /// reason as `Parallel.map`. An empty array allocates nothing (`fill` gets room for one element, on the stack:
    /// a small call's unused outputs cost an allocation each).
    @inlinable
    public static func uninitialised<T>(_ count: Int, _ fill: (UnsafeMutablePointer<T>) -> Void) -> [T] {
        guard count > 0 else {
            withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { fill($0.baseAddress!) }
            return []
        }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialised in
            adviseHugePages(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: count * MemoryLayout<T>.stride)
            fill(buffer.baseAddress!)
            initialised = count
        }
    }

    /// Advises the kernel to back the 2 MB-aligned interior of a fresh region with huge pages.
    public static func adviseHugePages(_ base: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
            guard bytes >= hugePageThreshold else { return }
            let hugePage = UInt(2 << 20)
            let start = (UInt(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
            let end = (UInt(bitPattern: base) + UInt(bytes)) & ~(hugePage - 1)
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), MADV_HUGEPAGE) }
        #endif
    }
}
