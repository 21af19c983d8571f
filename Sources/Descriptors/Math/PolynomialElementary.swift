import Foundation

/// cos and exp by short polynomials on the ranges a pair loop needs, to a few ulp and several times faster than
/// libm's (measured: libm's cos and exp took about a third of ACSF's time on a 1000-atom cell, where every pair of
/// neighbors needs one of each).
///
/// Each polynomial is a Taylor series economized on its range (Chebyshev economization: the series to a high power,
/// expanded in Chebyshev polynomials of the range, cut after the stated power), which reaches the same accuracy with
/// fewer terms; the bound of the terms dropped is their Chebyshev coefficients' sum.
/// `scripts/polynomial_coefficients.py` derives the coefficients in exact rational arithmetic.
enum PolynomialElementary {
    /// cos x for x in [0, π], as −sin(x − π/2) = −y · (sin √v / √v) with v = y²: the Taylor series of sin √v / √v
    /// (`sincOfRoot`'s), economized on its own on v in [0, (π/2)²] to v⁸ (the terms dropped are below 3e-19); within
    /// 3e-16 of the exact value.
    @inline(__always)
    static func cosine(_ x: Double) -> Double {
        let y = x - Double.pi / 2
        let y2 = y * y
        var p = 2.721_578_645_889_732e-15
        p = multiplyAdd(-7.643_026_945_428_021e-13, p, y2)
        p = multiplyAdd(1.605_894_089_490_125e-10, p, y2)
        p = multiplyAdd(-2.505_210_689_093_059_7e-08, p, y2)
        p = multiplyAdd(2.755_731_921_123_399_4e-06, p, y2)
        p = multiplyAdd(-0.000_198_412_698_412_087_03, p, y2)
        p = multiplyAdd(0.008_333_333_333_333_186, p, y2)
        p = multiplyAdd(-0.166_666_666_666_666_66, p, y2)
        p = multiplyAdd(1, p, y2)
        return -y * p
    }

    /// cos x for |x| ≤ 10⁶ (libm's beyond): |x| less its nearest multiple k · 2π, which leaves [−π, π], then
    /// `cosine` of the magnitude. 2π is split in two parts, the first with 31 significant bits so that k times it is
    /// exact for k < 2²² (here k ≤ 159 155); within 6e-16 of the exact value.
    @inline(__always)
    static func cosine(anyAngle x: Double) -> Double {
        let a = abs(x)
        guard a <= 1e6 else { return Foundation.cos(x) }
        let k = (a * 0.159_154_943_091_895_35).rounded(.toNearestOrEven)
        return cosine(abs((a - k * 6.283_185_306_936_502_5) - k * 2.430_840_202_602_477e-10))
    }

    /// cos √u for u in [0, π²], by the Taylor series of cos x in u = x² economized on that range to u¹⁰ (the terms
    /// dropped are below 4e-17): no square root, so that a loop over squared distances vectorizes; within 2e-15 of
    /// the exact value.
    @inline(__always)
    static func cosineOfRoot(_ u: Double) -> Double {
        var p = 3.653_508_581_460_656_3e-19
        p = multiplyAdd(-1.551_413_449_901_794_4e-16, p, u)
        p = multiplyAdd(4.778_098_667_172_651_4e-14, p, u)
        p = multiplyAdd(-1.147_063_284_989_714_1e-11, p, u)
        p = multiplyAdd(2.087_675_105_374_673e-09, p, u)
        p = multiplyAdd(-2.755_731_902_320_308e-07, p, u)
        p = multiplyAdd(2.480_158_729_734_948_7e-05, p, u)
        p = multiplyAdd(-0.001_388_888_888_883_669, p, u)
        p = multiplyAdd(0.041_666_666_666_663_37, p, u)
        p = multiplyAdd(-0.499_999_999_999_999_17, p, u)
        return multiplyAdd(1, p, u)
    }

    /// sin √u / √u for u in [0, π²] (1 at u = 0), by the Taylor series of sin x / x in u = x² economized on that range
    /// to u¹⁰ (the terms dropped are below 2e-18); within 1e-15 of the exact value.
    @inline(__always)
    static func sincOfRoot(_ u: Double) -> Double {
        var p = 1.757_799_670_138_433_7e-20
        p = multiplyAdd(-8.174_678_264_419_672e-18, p, u)
        p = multiplyAdd(2.810_853_782_432_421_5e-15, p, u)
        p = multiplyAdd(-7.647_114_356_706_32e-13, p, u)
        p = multiplyAdd(1.605_904_123_731_627_2e-10, p, u)
        p = multiplyAdd(-2.505_210_829_746_723_7e-08, p, u)
        p = multiplyAdd(2.755_731_922_212_875_6e-06, p, u)
        p = multiplyAdd(-0.000_198_412_698_412_469_62, p, u)
        p = multiplyAdd(0.008_333_333_333_333_19, p, u)
        p = multiplyAdd(-0.166_666_666_666_666_63, p, u)
        return multiplyAdd(1, p, u)
    }

    /// e^x for x ≤ 0 (`exponentialAboveLimit` from −708 on; below, where the result would be subnormal, libm's exp).
    @inline(__always)
    static func exponential(_ x: Double) -> Double {
        guard x >= -708 else { return Foundation.exp(x) }
        return exponentialAboveLimit(x)
    }

    /// e^x for −708 ≤ x ≤ 0, without a branch (so that loops over arrays vectorize): x = k ln 2 + f with
    /// |f| ≤ ½ ln 2 (k rounded by adding and subtracting 1.5·2⁵², ln 2 split in two parts so that f is exact), e^f by
    /// `exponentialNearZero`, times 2^k built from k's bits; within 4e-16 relative.
    @inline(__always)
    static func exponentialAboveLimit(_ x: Double) -> Double {
        let magic = 6_755_399_441_055_744.0  // 1.5 · 2⁵²: its last mantissa bits hold k after the addition
        let shifted = x * 1.442_695_040_888_963_4 + magic
        let k = shifted - magic
        let f = (x - k * 6.931_471_803_691_238_164_90e-01) - k * 1.908_214_929_270_587_700_02e-10
        let p = exponentialNearZero(f)
        // `shifted`'s bits end in k (two's complement); adding 1023 and shifting by 52 leaves k + 1023, in [1, 1023],
        // as the exponent field of 2^k.
        return p * Double(bitPattern: (shifted.bitPattern &+ 1023) << 52)
    }

    /// The largest |x| `exponentialNearZero` takes: ½ ln 2 (the reduced arguments of `exponentialAboveLimit`) and a
    /// little more.
    static let nearZeroRange = 0.36

    /// e^x for |x| ≤ `nearZeroRange`, by its Taylor series economized on that range to x¹¹ (the terms dropped are
    /// below 5e-18); within 2e-16 relative. Exactly 1 at x = 0.
    @inline(__always)
    static func exponentialNearZero(_ x: Double) -> Double {
        var p = 2.511_983_343_385_109_2e-08
        p = multiplyAdd(2.763_859_772_416_346e-07, p, x)
        p = multiplyAdd(2.755_720_946_383_778e-06, p, x)
        p = multiplyAdd(2.480_146_874_421_276_2e-05, p, x)
        p = multiplyAdd(0.000_198_412_699_266_370_55, p, x)
        p = multiplyAdd(0.001_388_888_896_857_736_5, p, x)
        p = multiplyAdd(0.008_333_333_333_301_06, p, x)
        p = multiplyAdd(0.041_666_666_666_424_58, p, x)
        p = multiplyAdd(0.166_666_666_666_667_18, p, x)
        p = multiplyAdd(0.500_000_000_000_002_7, p, x)
        p = multiplyAdd(1, p, x)
        return multiplyAdd(1, p, x)
    }
}
