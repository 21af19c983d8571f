import Atoms
import Descriptors
import LinearAlgebra

/// The settings of one 2- or 3-body term of a fit, as a gap_fit `distance_2b` or `angle_3b` descriptor
/// string gives them: the descriptor (elements 0 meaning any), the `ard_se` kernel's δ and θ, how many
/// sparse points and how they are chosen, and whether a term without elements is split into one term per
/// element combination of the training set (gap_fit's `add_species`, on by default).
public struct GeometricTermSettings: Codable, Equatable, Sendable {
    /// The descriptor.
    public var descriptor: GeometricDescriptor
    /// Kernel δ and θ (one θ per dimension).
    public var kernel: SquaredExponentialKernel
    /// Sparse points of the term (of each term it is split into).
    public var sparseCount: Int
    /// How the sparse points are chosen.
    public var sparseMethod: SparseMethod
    /// Split a term with unset elements into one term per element combination of the training set.
    public var addSpecies: Bool
    /// gap_fit's `theta_fac`: when set, θ_d = factor_d × (max − min of dimension d over the training instances)
    /// (1 where that is below 1e-8), fixed at fit time in place of `kernel.theta`; one factor, or one per dimension.
    public var thetaFactor: [Double]?
    /// Sparse points given instead of chosen (gap_fit's `sparse_method=file`): each a vector and its cutoff
    /// weight.
    public var givenPoints: GivenSparsePoints?

    /// Sparse points of a term given by the user.
    public struct GivenSparsePoints: Codable, Equatable, Sendable {
        /// The vectors, one per point.
        public var values: [[Double]]
        /// The cutoff weight of each point (gap_fit's `sparseCutoff`, in [0, 1]).
        public var cutoffs: [Double]

        /// Given points.
        public init(values: [[Double]], cutoffs: [Double]) {
            self.values = values
            self.cutoffs = cutoffs
        }
    }

    /// Term settings.
    public init(
        descriptor: GeometricDescriptor, kernel: SquaredExponentialKernel, sparseCount: Int,
        sparseMethod: SparseMethod = .uniform, addSpecies: Bool = true, givenPoints: GivenSparsePoints? = nil
    ) {
        self.givenPoints = givenPoints
        self.descriptor = descriptor
        self.kernel = kernel
        self.sparseCount = sparseCount
        self.sparseMethod = sparseMethod
        self.addSpecies = addSpecies
    }

    enum CodingKeys: String, CodingKey {
        case descriptor, kernel, sparseCount = "n_sparse", sparseMethod = "sparse_method", addSpecies = "add_species"
        case givenPoints = "sparse_points", thetaFactor = "theta_fac"
    }

    /// Checks ranges before any work.
    /// - Throws: `GAPError.invalidSetting` naming the term.
    func validate() throws(GAPError) {
        do { try descriptor.validate() } catch { throw .descriptor(error) }
        let d = descriptor.dimension
        if let factor = thetaFactor {
            guard factor.count == 1 || factor.count == d, factor.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw .invalidSetting(
                    name: "theta_fac of \(descriptor.summary)", value: "\(factor)",
                    hint: "give one positive factor, or one per dimension (\(d))")
            }
            try SquaredExponentialKernel(delta: kernel.delta, theta: [Double](repeating: 1, count: d))
                .validate(dimension: d, term: descriptor.summary)
        } else {
            try kernel.validate(dimension: d, term: descriptor.summary)
        }
        guard (1...FitSettings.maximumSparseCount).contains(sparseCount) else {
            throw .invalidSetting(
                name: "n_sparse of \(descriptor.summary)", value: "\(sparseCount)",
                hint: "must be in 1…\(FitSettings.maximumSparseCount)")
        }
        if let given = givenPoints {
            guard !given.values.isEmpty, given.values.count == given.cutoffs.count,
                given.values.allSatisfy({ $0.count == d && $0.allSatisfy(\.isFinite) }),
                given.cutoffs.allSatisfy({ $0 >= 0 && $0 <= 1 })
            else {
                throw .invalidSetting(
                    name: "sparse points of \(descriptor.summary)", value: "\(given.values.count) points",
                    hint: "give at least one point of \(d) finite numbers, each with a cutoff weight in [0, 1]")
            }
        }
    }

    /// The terms this one stands for with the training set's `elements` (in order of first appearance):
    /// itself when its elements are set or `addSpecies` is off, otherwise one per combination in gap_fit's
    /// `add_species` order (`distance_2b`: pairs (a, b) with b not before a; `angle_3b`: every center with
    /// every such neighbor pair).
    public func expanded(elements: [Int]) -> [GeometricTermSettings] {
        guard addSpecies else { return [self] }
        let order = elements
        func with(_ descriptor: GeometricDescriptor) -> GeometricTermSettings {
            var t = self
            t.descriptor = descriptor
            return t
        }
        switch descriptor {
        case let .distance2b(d) where d.z1 == 0 && d.z2 == 0:
            return order.indices.flatMap { a in
                order[a...].map { z2 in with(.distance2b(DistanceTwoBody(cutoff: d.cutoff, z1: order[a], z2: z2))) }
            }
        case let .angle3b(d) where d.z == 0 && d.z1 == 0 && d.z2 == 0:
            return order.flatMap { z in
                order.indices.flatMap { a in
                    order[a...].map { z2 in
                        with(.angle3b(AngleThreeBody(cutoff: d.cutoff, z: z, z1: order[a], z2: z2)))
                    }
                }
            }
        default:
            return [self]
        }
    }

    /// The kernel, with θ from `thetaFactor` and the training instances `instances` (N × D) when it is set.
    func resolvedKernel(instances: Matrix) -> SquaredExponentialKernel {
        guard let factor = thetaFactor else { return kernel }
        let theta = (0..<descriptor.dimension).map { c -> Double in
            var lo = Double.infinity, hi = -Double.infinity
            for i in 0..<instances.rows {
                lo = min(lo, instances[i, c])
                hi = max(hi, instances[i, c])
            }
            let value = (hi - lo) * factor[factor.count == 1 ? 0 : c]
            return value < 1e-8 || !value.isFinite ? 1 : value
        }
        return SquaredExponentialKernel(delta: kernel.delta, theta: theta)
    }
}
