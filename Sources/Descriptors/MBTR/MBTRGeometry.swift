import Foundation

extension MBTR {
    /// DScribe's geometry function: what each atom, pair or triplet contributes to the grid. Its degree k
    /// (1, 2 or 3 atoms) fixes the MBTR term.
    public enum Geometry: String, Sendable, Equatable, CaseIterable {
        /// k = 1: the atomic number Z.
        case atomicNumber = "atomic_number"
        /// k = 2: the distance |r_j − r_i| in Å.
        case distance
        /// k = 2: the inverse distance 1/|r_j − r_i| in 1/Å.
        case inverseDistance = "inverse_distance"
        /// k = 3: the angle at the middle atom, in degrees.
        case angle
        /// k = 3: the cosine of the angle at the middle atom.
        case cosine

        /// The number of atoms the function reads (DScribe's k).
        public var degree: Int {
            switch self {
            case .atomicNumber: return 1
            case .distance, .inverseDistance: return 2
            case .angle, .cosine: return 3
            }
        }

        /// The value of a pair at separation `vector` (r_j − r_i, length `d` > 0) and its gradient with
        /// respect to r_j (r_i gets the opposite).
        func pair(_ vector: SIMD3<Double>, _ d: Double) -> (value: Double, gradient: SIMD3<Double>) {
            if self == .inverseDistance { return (1 / d, -vector / (d * d * d)) }
            return (d, vector / d)
        }

        /// The value of a triplet with legs `u` = r_i − r_j and `v` = r_k − r_j from the middle atom j (lengths
        /// `du`, `dv` > 0), and its gradients with respect to r_i and r_k (r_j gets minus their sum). The cosine
        /// is clipped to [−1, 1] as DScribe does; the angle's gradient is set to zero where the three atoms are
        /// collinear (the angle has a cusp there and no derivative).
        func triplet(
            _ u: SIMD3<Double>, _ v: SIMD3<Double>, _ du: Double, _ dv: Double
        ) -> (value: Double, gradientI: SIMD3<Double>, gradientK: SIMD3<Double>) {
            let cosine = (u * v).sum() / (du * dv)
            let clipped = min(1, max(-1, cosine))
            let gi = v / (du * dv) - cosine * u / (du * du)
            let gk = u / (du * dv) - cosine * v / (dv * dv)
            guard self == .angle else { return (clipped, gi, gk) }
            let sine = (1 - clipped * clipped).squareRoot()
            let factor = sine > 0 ? -degreesPerRadian / sine : 0
            return (acos(clipped) * degreesPerRadian, factor * gi, factor * gk)
        }
    }
}

/// 180/π, as DScribe converts angles.
private let degreesPerRadian = 180.0 / Double.pi
