import CLapack

/// The number of threads OpenBLAS uses inside one BLAS or LAPACK call.
///
/// SwiftGAP parallelises over atoms and structures itself, and OpenBLAS's own threads only add overhead
/// to the many small products that runs inside those workers; they pay off for the few large
/// factorisations of a fit, which raise the count around them with `withThreads`.
public enum BLASThreads {
    /// The current count.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the count (at least 1).
    public static func set(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// Runs `body` with `n` OpenBLAS threads, then restores the previous count.
    public static func withThreads<T, E: Error>(_ n: Int, _ body: () throws(E) -> T) throws(E) -> T {
        let previous = count
        set(n)
        defer { set(previous) }
        return try body()
    }
}
