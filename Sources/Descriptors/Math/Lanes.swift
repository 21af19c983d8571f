/// The SIMD vector the descriptor loops work in: eight doubles (one AVX-512 register, two AVX2 ones). Loops that
/// take neighbors or pairs a vector at a time pad their rows to a whole number of these.
typealias Lanes = SIMD8<Double>

extension SIMD8 where Scalar == Double {
    /// `count` rounded up to a whole number of vectors.
    @inline(__always) static func padded(_ count: Int) -> Int { (count + scalarCount - 1) / scalarCount * scalarCount }

    /// The eight doubles from `p` on (any alignment).
    @inline(__always) init(loading p: UnsafePointer<Double>) {
        self = UnsafeRawPointer(p).loadUnaligned(as: Self.self)
    }

    /// Writes the eight doubles from `p` on (any alignment).
    @inline(__always) func store(to p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
    }

    /// Σ a[q] b[q] over q < n, eight lanes at a time with a vector partial sum.
    @inline(__always) static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
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

    /// y[q] −= x[q] for q < n, eight lanes at a time.
    @inline(__always) static func subtract(_ x: UnsafePointer<Double>, from y: UnsafeMutablePointer<Double>, _ n: Int) {
        var q = 0
        while q + scalarCount <= n {
            (Self(loading: y + q) - Self(loading: x + q)).store(to: y + q)
            q += scalarCount
        }
        while q < n {
            y[q] -= x[q]
            q += 1
        }
    }
}
