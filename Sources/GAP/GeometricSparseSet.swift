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

    /// Calls `body(k, kernels, gradients)` for every instance k of `instances` with the kernel k(x_k, x_s) of
    /// each sparse point s (`kernels`, M entries, without cutoff weights) and, when `gradients`, its gradient
    /// with respect to x_k (`gradients`, M × D row-major; empty otherwise). The buffers are reused from one
    /// instance to the next.
    @inline(__always)
    func forEachInstance(
        _ instances: GeometricInstances, gradients: Bool,
        _ body: (_ k: Int, _ kernels: UnsafeBufferPointer<Double>, _ gradients: UnsafeBufferPointer<Double>) -> Void
    ) {
        let d = descriptor.dimension, m = count
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(m * (d + 1), 1)) { buffer in
            let kernels = buffer.baseAddress!, slopes = kernels + m
            points.elements.withUnsafeBufferPointer { p in
                instances.values.withUnsafeBufferPointer { x in
                    for k in 0..<instances.count {
                        let xk = x.baseAddress! + k * d
                        for s in 0..<m {
                            kernels[s] =
                                gradients
                                ? kernel.valueAndGradient(xk, p.baseAddress! + s * d, gradient: slopes + s * d)
                                : kernel.value(xk, p.baseAddress! + s * d)
                        }
                        body(
                            k, UnsafeBufferPointer(start: kernels, count: m),
                            UnsafeBufferPointer(start: slopes, count: gradients ? m * d : 0))
                    }
                }
            }
        }
    }
}
