import Atoms

/// The instances of a 2- or 3-body descriptor in one structure (one per pair or triplet within the cutoff),
/// each a short vector x with a cutoff weight w, and, when asked for, their gradients with respect to the
/// pair vectors ("legs") D = r_j − r_i they are built from. All legs of an instance start at its center i,
/// so a model's gradient ∂e/∂D per leg goes straight into a `PairGradientAccumulator` (forces and virial).
public struct GeometricInstances: Sendable {
    /// Length D of each instance's vector.
    public let dimension: Int
    /// Whether the gradients were computed.
    public let hasGradients: Bool
    /// The vectors, one after another (count × dimension).
    public internal(set) var values: [Double] = []
    /// The cutoff weight of each instance.
    public internal(set) var weights: [Double] = []
    /// The center atom of each instance (whose local energy the instance adds to).
    public internal(set) var center: [Int] = []
    /// Legs of instance k are `legOffsets[k] ..< legOffsets[k + 1]`.
    public internal(set) var legOffsets: [Int] = [0]
    /// The neighbor atom of each leg.
    public internal(set) var legNeighbor: [Int] = []
    /// The pair vector D = r_j − r_i (image shift included) of each leg, Å.
    public internal(set) var legVector: [SIMD3<Double>] = []
    /// Per leg ∂x/∂D: `dimension` rows of a 3-vector.
    public internal(set) var valueGradients: [SIMD3<Double>] = []
    /// Per leg ∂w/∂D.
    public internal(set) var weightGradients: [SIMD3<Double>] = []

    /// An empty set of instances of vectors of length `dimension`.
    init(dimension: Int, gradients: Bool) {
        self.dimension = dimension
        hasGradients = gradients
    }

    /// Number of instances.
    public var count: Int { center.count }

    /// The vector of instance `k`.
    public func value(_ k: Int) -> ArraySlice<Double> { values[(k * dimension)..<((k + 1) * dimension)] }

    /// Adds an instance with its legs (neighbor, vector, ∂x/∂D as `dimension` 3-vectors, ∂w/∂D).
    mutating func append(
        center i: Int, value: some Collection<Double>, weight: Double,
        legs: some Collection<(neighbor: Int, vector: SIMD3<Double>, dx: [SIMD3<Double>], dw: SIMD3<Double>)>
    ) {
        values.append(contentsOf: value)
        weights.append(weight)
        center.append(i)
        for leg in legs {
            legNeighbor.append(leg.neighbor)
            legVector.append(leg.vector)
            if hasGradients {
                valueGradients.append(contentsOf: leg.dx)
                weightGradients.append(leg.dw)
            }
        }
        legOffsets.append(legNeighbor.count)
    }

    /// The gradient ∂e/∂D of an instance energy e(x, w) along leg `leg`, from ∂e/∂x (`dx`, one entry per
    /// dimension) and ∂e/∂w.
    @inline(__always)
    public func legGradient(_ leg: Int, dx: UnsafeBufferPointer<Double>, dw: Double) -> SIMD3<Double> {
        var g = dw * weightGradients[leg]
        for d in 0..<dimension { g += dx[d] * valueGradients[leg * dimension + d] }
        return g
    }
}
