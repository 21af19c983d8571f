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

    /// One leg of an instance: the neighbor, the pair vector D, ∂x/∂D (one 3-vector per dimension, at most 3)
    /// and ∂w/∂D.
    struct Leg {
        let neighbor: Int
        let vector: SIMD3<Double>
        let dx: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
        let dw: SIMD3<Double>
    }

    /// Adds an instance: center `i`, its first `dimension` values of `value`, weight and legs (no array is
    /// allocated per instance).
    mutating func append(center i: Int, value: (Double, Double, Double), weight: Double, legs: Leg, _ more: Leg? = nil) {
        values.append(value.0)
        if dimension > 1 { values.append(value.1) }
        if dimension > 2 { values.append(value.2) }
        weights.append(weight)
        center.append(i)
        add(legs)
        if let more { add(more) }
        legOffsets.append(legNeighbor.count)
    }

    private mutating func add(_ leg: Leg) {
        legNeighbor.append(leg.neighbor)
        legVector.append(leg.vector)
        guard hasGradients else { return }
        valueGradients.append(leg.dx.0)
        if dimension > 1 { valueGradients.append(leg.dx.1) }
        if dimension > 2 { valueGradients.append(leg.dx.2) }
        weightGradients.append(leg.dw)
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
