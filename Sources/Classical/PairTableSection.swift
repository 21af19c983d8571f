/// One section of a LAMMPS `pair_style table` file: N points (r, E, F) with F = −dE/dr, in Å, eV and eV/Å.
///
/// Between points the energy is a cubic Hermite spline through (r_k, E_k) with slopes −F_k, so the force
/// is the exact derivative of the energy and both are continuous. The last point is the cutoff: energy
/// and force are zero from there on (make E zero at the last point; the force should vanish there too, or
/// it jumps to zero at the cutoff). Below the first point the section has no value.
public struct PairTableSection: Equatable, Sendable, Codable {
    /// The keyword that names the section in its file.
    public let keyword: String
    /// The distances r_k in Å, strictly increasing, at least two.
    public let distances: [Double]
    /// The energies E(r_k) in eV.
    public let energies: [Double]
    /// The forces F(r_k) = −dE/dr in eV/Å.
    public let forces: [Double]

    /// A section from its points.
    /// - Throws: `PairTableError.invalidSection` unless the three arrays have the same length (≥ 2), every
    ///   value is finite, the distances are non-negative and strictly increasing.
    public init(keyword: String, distances: [Double], energies: [Double], forces: [Double]) throws(PairTableError) {
        guard distances.count >= 2, energies.count == distances.count, forces.count == distances.count else {
            throw .invalidSection(
                keyword: keyword,
                message: "needs at least 2 points and as many energies and forces as distances (got "
                    + "\(distances.count) distances, \(energies.count) energies, \(forces.count) forces)")
        }
        guard distances.allSatisfy(\.isFinite), energies.allSatisfy(\.isFinite), forces.allSatisfy(\.isFinite)
        else { throw .invalidSection(keyword: keyword, message: "a distance, energy or force is not finite") }
        guard distances[0] >= 0 else {
            throw .invalidSection(keyword: keyword, message: "the first distance \(distances[0]) Å is negative")
        }
        for k in 1..<distances.count where !(distances[k] > distances[k - 1]) {
            throw .invalidSection(
                keyword: keyword,
                message: "distance \(distances[k]) Å at point \(k + 1) is not larger than the one before it")
        }
        self.init(unchecked: keyword, distances: distances, energies: energies, forces: forces)
    }

    /// A section whose points the caller has checked.
    init(unchecked keyword: String, distances: [Double], energies: [Double], forces: [Double]) {
        self.keyword = keyword
        self.distances = distances
        self.energies = energies
        self.forces = forces
    }

    /// The first tabulated distance in Å: pairs closer than this cannot be evaluated.
    public var firstPoint: Double { distances[0] }

    /// The last tabulated distance in Å, the section's cutoff.
    public var cutoff: Double { distances[distances.count - 1] }

    /// The energy at the cutoff in eV (should be zero).
    public var cutoffEnergy: Double { energies[energies.count - 1] }

    /// The interpolated energy E(r) in eV and dE/dr in eV/Å at distance `r` (Å); zero at and beyond the
    /// cutoff, nil below the first point.
    @inline(__always)
    public func evaluate(_ r: Double) -> (energy: Double, derivative: Double)? {
        let n = distances.count
        guard r >= distances[0] else { return nil }
        guard r < distances[n - 1] else { return (0, 0) }
        // Bisection for distances[lo] ≤ r < distances[hi], hi = lo + 1.
        var lo = 0, hi = n - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if distances[mid] <= r { lo = mid } else { hi = mid }
        }
        let h = distances[hi] - distances[lo]
        let t = (r - distances[lo]) / h
        let t2 = t * t, t3 = t2 * t
        let e0 = energies[lo], e1 = energies[hi]
        let m0 = -forces[lo] * h, m1 = -forces[hi] * h
        let energy = (2 * t3 - 3 * t2 + 1) * e0 + (t3 - 2 * t2 + t) * m0 + (3 * t2 - 2 * t3) * e1 + (t3 - t2) * m1
        let derivative = ((6 * t2 - 6 * t) * (e0 - e1) + (3 * t2 - 4 * t + 1) * m0 + (3 * t2 - 2 * t) * m1) / h
        return (energy, derivative)
    }

    private enum CodingKeys: String, CodingKey {
        case keyword, distances, energies, forces
    }

    /// Decodes `{"keyword", "distances", "energies", "forces"}` and checks the points as `init` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                keyword: try container.decode(String.self, forKey: .keyword),
                distances: try container.decode([Double].self, forKey: .distances),
                energies: try container.decode([Double].self, forKey: .energies),
                forces: try container.decode([Double].self, forKey: .forces))
        } catch let error as PairTableError {
            throw DecodingError.dataCorruptedError(
                forKey: .distances, in: container, debugDescription: error.description)
        }
    }
}
