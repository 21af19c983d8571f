/// Eight doubles (one AVX-512 register, two AVX2 ones) as the unit of the vector loops of the descriptors and of
/// the GAP kernel's streamed products: unaligned loads and stores, and the few kernels they share.
extension SIMD8 where Scalar == Double {
    /// `count` rounded up to a whole number of vectors.
    @inlinable @inline(__always) public static func padded(_ count: Int) -> Int {
        (count + scalarCount - 1) / scalarCount * scalarCount
    }

    /// The eight doubles from `p` on (any alignment).
    @inlinable @inline(__always) public init(loading p: UnsafePointer<Double>) {
        self = UnsafeRawPointer(p).loadUnaligned(as: Self.self)
    }

    /// Writes the eight doubles from `p` on (any alignment).
    @inlinable @inline(__always) public func store(to p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
    }

    /// The sum of the eight lanes, halves added to halves (two vector additions and a scalar one) where `sum()` adds
    /// seven lanes one after another.
    @inlinable @inline(__always) public func pairwiseSum() -> Double {
        let four = lowHalf + highHalf, two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }

    /// Σ a[q] b[q] over q < n, eight lanes at a time with a vector partial sum.
    @inlinable @inline(__always) public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double
    {
        var partial = Self(), q = 0
        while q + scalarCount <= n {
            partial += Self(loading: a + q) * Self(loading: b + q)
            q += scalarCount
        }
        var s = partial.sum()
        while q < n {
            s += a[q] * b[q]
            q += 1
        }
        return s
    }

    /// y[q] += a x[q] for q < n, eight lanes at a time.
    @inlinable @inline(__always)
    public static func addMultiple(_ a: Double, of x: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>, _ n: Int) {
        var q = 0
        while q + scalarCount <= n {
            (Self(loading: y + q) + a * Self(loading: x + q)).store(to: y + q)
            q += scalarCount
        }
        while q < n {
            y[q] += a * x[q]
            q += 1
        }
    }
}
