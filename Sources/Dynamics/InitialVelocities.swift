import Atoms
import Support

/// Starting velocities.
public enum InitialVelocities {
    /// Maxwell–Boltzmann velocities at `temperature` (K) from `seed`, with the total momentum removed and,
    /// for a structure periodic along no axis, the angular momentum too; then rescaled so the temperature
    /// over the remaining degrees of freedom is exactly `temperature`.
    public static func maxwellBoltzmann(
        _ s: Structure, temperature: Double, seed: UInt64
    ) -> (velocities: [SIMD3<Double>], degreesOfFreedom: Int) {
        let masses = s.masses
        var rng = SeededGenerator(seed: seed)
        let kT = Units.boltzmann * temperature / Units.amuAngstromSquaredPerFsSquaredInEV  // amu Å²/fs²
        var v = masses.map { m in (kT / m).squareRoot() * SIMD3(rng.normal(), rng.normal(), rng.normal()) }
        let removeRotation = !s.pbc.isAnyPeriodic && s.count > 2
        removeDrift(&v, masses: masses, positions: s.positions, rotation: removeRotation)
        let dof = max(1, 3 * s.count - 3 - (removeRotation ? 3 : 0))
        let kinetic = zip(masses, v).reduce(0.0) { $0 + $1.0 * dot($1.1, $1.1) } * 0.5 * Units.amuAngstromSquaredPerFsSquaredInEV
        if kinetic > 0, temperature > 0 {
            let scale = (0.5 * Double(dof) * Units.boltzmann * temperature / kinetic).squareRoot()
            v = v.map { $0 * scale }
        }
        return (v, dof)
    }

    /// Removes the center-of-mass velocity and, with `rotation`, the rigid rotation about the center of mass.
    public static func removeDrift(_ v: inout [SIMD3<Double>], masses: [Double], positions: [SIMD3<Double>], rotation: Bool) {
        let total = masses.reduce(0, +)
        guard total > 0 else { return }
        var momentum = SIMD3<Double>.zero
        for (m, vi) in zip(masses, v) { momentum += m * vi }
        for k in v.indices { v[k] -= momentum / total }
        guard rotation else { return }
        var center = SIMD3<Double>.zero
        for (m, r) in zip(masses, positions) { center += m * r }
        center /= total
        var angular = SIMD3<Double>.zero
        var inertia = Matrix3.zero
        for (k, m) in masses.enumerated() {
            let r = positions[k] - center
            angular += m * cross(r, v[k])
            inertia += m * (dot(r, r) * Matrix3.identity - Matrix3.outer(r, r))
        }
        guard let inverse = inertia.inverse else { return }  // linear or single-atom: nothing to remove
        let omega = inverse * angular
        for k in v.indices { v[k] -= cross(omega, positions[k] - center) }
    }
}
