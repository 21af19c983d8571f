/// Radial functions f_nl(r) of a SOAP density expansion, evaluated directly (slowly); `RadialBasis`
/// tabulates them.
protocol RadialFunctions: Sendable {
    /// Radial functions per l.
    var nMax: Int { get }
    /// Largest l.
    var lMax: Int { get }
    /// Neighbors at r < `range` contribute.
    var range: Double { get }
    /// The l = m = 0 coefficients (per n, Y_00 included) the center atom adds to its own density.
    var centerCoefficients: [Double] { get }
    /// f_nl(r) and d f_nl/dr for all (n, l), index l·n_max + n.
    func evaluate(_ r: Double, values: inout [Double], derivatives: inout [Double])
}

/// The radial functions of a SOAP density expansion, tabulated on splines, with what the center atom adds.
///
/// Functions are indexed `l * nMax + n`. Both bases we reproduce are described in `docs/SOAP.md`.
public struct RadialBasis: Sendable {
    /// Radial functions per l.
    public let nMax: Int
    /// Largest l.
    public let lMax: Int
    /// Neighbors at r < `range` contribute.
    public let range: Double
    /// f_nl(r) and d f_nl/dr, all (n, l) at once.
    public let spline: RadialSpline
    /// The l = m = 0 coefficients (per n, Y_00 included) the center atom adds to its own density, before
    /// any center weight.
    public let centerCoefficients: [Double]

    /// Tabulates `functions`.
    init(_ functions: some RadialFunctions) throws(DescriptorError) {
        nMax = functions.nMax
        lMax = functions.lMax
        range = functions.range
        centerCoefficients = functions.centerCoefficients
        spline = try RadialSpline(count: (lMax + 1) * nMax, rMax: range, evaluate: functions.evaluate)
    }
}
