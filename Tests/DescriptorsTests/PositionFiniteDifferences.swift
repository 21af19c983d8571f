import Atoms
import Descriptors

/// Compares analytic position derivatives of one structure's descriptor rows with central differences
/// (step `h` in Å, every atom and axis): the largest |analytic − difference| and the largest |difference|
/// (the scale to judge it by). `analytic(row, atom, axis, feature)` gives ∂q_row,feature/∂r_atom,axis.
func positionFiniteDifferences(
    _ s: Structure, h: Double = 1e-5, features D: Int, create: (Structure) throws -> DescriptorRows,
    analytic: (_ row: Int, _ atom: Int, _ axis: Int, _ feature: Int) -> Double
) rethrows -> (worst: Double, scale: Double) {
    var worst = 0.0, scale = 0.0
    for atom in 0..<s.count {
        for axis in 0..<3 {
            var plus = s, minus = s
            plus.positions[atom][axis] += h
            minus.positions[atom][axis] -= h
            let qp = try create(plus), qm = try create(minus)
            for row in 0..<qp.count {
                for f in 0..<D {
                    let fd = (qp.values[row * D + f] - qm.values[row * D + f]) / (2 * h)
                    worst = max(worst, abs(fd - analytic(row, atom, axis, f)))
                    scale = max(scale, abs(fd))
                }
            }
        }
    }
    return (worst, scale)
}
