/// Behler's cutoff function f_c(r) = ½[cos(π r / r_c) + 1] (0 ≤ r ≤ r_c) and its slope, from r or from r²: the
/// pair loops of G4 have r_jk² and take no square root.
struct ACSFCutoff: Sendable {
    /// r_c in Å.
    let radius: Double
    /// π / r_c.
    private let phase: Double

    init(radius: Double) {
        self.radius = radius
        phase = Double.pi / radius
    }

    /// f_c(r).
    @inline(__always)
    func value(_ r: Double) -> Double {
        0.5 * (PolynomialElementary.cosine(r * phase) + 1)
    }

    /// f_c(r) from r².
    @inline(__always)
    func value(squared r2: Double) -> Double {
        0.5 * (PolynomialElementary.cosineOfRoot(r2 * phase * phase) + 1)
    }

    /// f_c′(r) / r = −½ (π / r_c)² sin(π r / r_c) / (π r / r_c), from r² (−½(π/r_c)² at r = 0).
    @inline(__always)
    func slopeOverR(squared r2: Double) -> Double {
        -0.5 * phase * phase * PolynomialElementary.sincOfRoot(r2 * phase * phase)
    }
}
