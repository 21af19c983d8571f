import Atoms

/// Central finite differences of a calculator's energy, for checking analytic forces and virials.
public enum FiniteDifferences {
    /// −∂E/∂r for every atom and component, by central differences with step `h` (Å).
    public static func forces(
        _ energy: (Structure) throws -> Double, at s: Structure, h: Double = 1e-5
    ) rethrows -> [SIMD3<Double>] {
        var out = [SIMD3<Double>](repeating: .zero, count: s.count)
        for i in 0..<s.count {
            for k in 0..<3 {
                var plus = s, minus = s
                plus.positions[i][k] += h
                minus.positions[i][k] -= h
                out[i][k] = -(try energy(plus) - energy(minus)) / (2 * h)
            }
        }
        return out
    }

    /// The virial W = −∂E/∂ε (ε a homogeneous strain applied to cell and positions), by central differences.
    public static func virial(
        _ energy: (Structure) throws -> Double, at s: Structure, h: Double = 1e-6
    ) rethrows -> Matrix3 {
        var w = Matrix3.zero
        for a in 0..<3 {
            for b in 0..<3 {
                var e = Matrix3.zero
                e[a, b] = h
                let plus = try energy(s.strained(e))
                e[a, b] = -h
                let minus = try energy(s.strained(e))
                w[a, b] = -(plus - minus) / (2 * h)
            }
        }
        return w
    }
}
