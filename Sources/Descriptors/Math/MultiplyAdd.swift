/// What `multiplyAdd` works on: a Double, or a vector of them (`Lanes`).
protocol MultiplyAddable {
    static func + (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    func addingProduct(_ a: Self, _ b: Self) -> Self
}

extension Double: MultiplyAddable {}
extension SIMD8: MultiplyAddable where Scalar == Double {}

/// c + a·b for the descriptor kernels (lane by lane for vectors; a scalar factor goes in as
/// `Lanes(repeating:)`): one fused multiply-add instruction (one rounding, half the instructions of a multiply and
/// an add, which Swift never fuses by itself) when the build targets a CPU that has it (`SWIFTGAP_FMA`, which
/// Package.swift defines for such builds); a multiply and an add elsewhere, where `fma` would be a library call per
/// element (a portable x86-64 build, `SWIFTGAP_PORTABLE=1`).
@inline(__always)
func multiplyAdd<T: MultiplyAddable>(_ c: T, _ a: T, _ b: T) -> T {
    #if SWIFTGAP_FMA
        c.addingProduct(a, b)
    #else
        c + a * b
    #endif
}
