/// c + a·b for the descriptor kernels: one fused multiply-add instruction (one rounding, half the instructions of a
/// multiply and an add, which Swift never fuses by itself) when the build targets a CPU that has it (`SWIFTGAP_FMA`,
/// which Package.swift defines for such builds); a multiply and an add elsewhere, where `fma` would be a library call
/// per element (a portable x86-64 build, `SWIFTGAP_PORTABLE=1`).
@inline(__always)
func multiplyAdd(_ c: Double, _ a: Double, _ b: Double) -> Double {
    #if SWIFTGAP_FMA
        c.addingProduct(a, b)
    #else
        c + a * b
    #endif
}

/// c + a·b, lane by lane (see `multiplyAdd(_:_:_:)` for Doubles).
@inline(__always)
func multiplyAdd(_ c: Lanes, _ a: Double, _ b: Lanes) -> Lanes {
    #if SWIFTGAP_FMA
        c.addingProduct(a, b)
    #else
        c + a * b
    #endif
}

/// c + a·b, lane by lane (see `multiplyAdd(_:_:_:)` for Doubles).
@inline(__always)
func multiplyAdd(_ c: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes {
    #if SWIFTGAP_FMA
        c.addingProduct(a, b)
    #else
        c + a * b
    #endif
}

/// c + a·b, lane by lane (see `multiplyAdd(_:_:_:)` for Doubles).
@inline(__always)
func multiplyAdd(_ c: Lanes, _ a: Lanes, _ b: Double) -> Lanes {
    #if SWIFTGAP_FMA
        c.addingProduct(a, b)
    #else
        c + a * b
    #endif
}
