import Atoms
import Descriptors
import LinearAlgebra

/// The sparse points of one 2- or 3-body term (one gap_fit `gpCoordinates`): its descriptor, its `ard_se`
/// kernel, M descriptor vectors and the cutoff weight of each. Whatever a fit or a prediction needs from the
/// kernel between instances and sparse points is written here once.
public struct GeometricSparseSet: Sendable, Equatable {
    /// The descriptor (with its elements and cutoff).
    public let descriptor: GeometricDescriptor
    /// The kernel.
    public let kernel: SquaredExponentialKernel
    /// Sparse points, M × D.
    public let points: Matrix
    /// Cutoff weight of each sparse point (gap_fit's `sparseCutoff`).
    public let weights: [Double]

    /// A sparse set.
    /// - Throws: `GAPError.inconsistentPotential` when the shapes do not fit the descriptor or the values are not
    ///   finite, `.invalidSetting` for a bad kernel.
    public init(
        descriptor: GeometricDescriptor, kernel: SquaredExponentialKernel, points: Matrix, weights: [Double]
    ) throws(GAPError) {
        try kernel.validate(dimension: descriptor.dimension, term: descriptor.summary)
        guard points.columns == descriptor.dimension, weights.count == points.rows else {
            throw .inconsistentPotential(
                detail: "the \(descriptor.summary) term has \(points.rows)×\(points.columns) sparse points and "
                    + "\(weights.count) cutoff weights; expected M×\(descriptor.dimension) and M")
        }
        guard points.elements.allSatisfy(\.isFinite), weights.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
            throw .inconsistentPotential(
                detail: "the \(descriptor.summary) term has non-finite sparse points or cutoff weights outside [0, 1]")
        }
        self.descriptor = descriptor
        self.kernel = kernel
        self.points = points
        self.weights = weights
    }

    /// Number of sparse points M.
    public var count: Int { points.rows }

    /// K_MM, the weighted kernel between the sparse points.
    func gram() -> Matrix {
        var k = Matrix(rows: count, columns: count)
        points.elements.withUnsafeBufferPointer { p in
            let d = descriptor.dimension
            for i in 0..<count {
                for j in 0...i {
                    let v = weights[i] * weights[j] * kernel.value(p.baseAddress! + i * d, p.baseAddress! + j * d)
                    k[i, j] = v
                    k[j, i] = v
                }
            }
        }
        return k
    }

    /// Calls `body(k, s, value, gradient)` for every instance k of `instances` and sparse point s with the
    /// weighted kernel w_k w_s k(x_k, x_s) and its gradient with respect to x_k (`gradient`, D entries, still
    /// without the weights: multiply by w_k w_s).
    @inline(__always)
    func forEachKernel(
        _ instances: GeometricInstances,
        _ body: (_ k: Int, _ s: Int, _ weighted: Double, _ kernel: Double, _ gradient: UnsafeBufferPointer<Double>) -> Void
    ) {
        let d = descriptor.dimension
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(d, 1)) { gradient in
            points.elements.withUnsafeBufferPointer { p in
                instances.values.withUnsafeBufferPointer { x in
                    for k in 0..<instances.count {
                        let w = instances.weights[k]
                        for s in 0..<count {
                            let value = kernel.valueAndGradient(
                                x.baseAddress! + k * d, p.baseAddress! + s * d, gradient: gradient.baseAddress!)
                            body(k, s, w * weights[s] * value, value, UnsafeBufferPointer(gradient))
                        }
                    }
                }
            }
        }
    }
}
