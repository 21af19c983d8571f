import Atoms

/// A descriptor of atomic structures: fixed-length rows of features, one per center (local descriptors
/// such as SOAP) or one per structure (global ones such as the Coulomb matrix), with analytic derivatives
/// stored sparsely. DScribe's `get_number_of_features`, `create` and `derivatives`.
///
/// ```swift
/// let descriptor: any Descriptor = try SOAP.quip(cutoff: 5, nMax: 8, lMax: 6, atomSigma: 0.5, speciesZ: [14])
/// let rows = try descriptor.create(structures, centers: nil, threads: 4)
/// let (q, dq) = try descriptor.derivatives(structures, centers: nil, threads: 4)
/// ```
public protocol Descriptor: Sendable {
    /// Length D of every descriptor row.
    var numberOfFeatures: Int { get }

    /// Whether rows describe centers (one row per atom or point, as SOAP without averaging) rather than
    /// whole structures; only local descriptors can be pooled or have their centers sampled.
    var isLocal: Bool { get }

    /// Descriptor rows of `structures`, in structure order.
    /// - Parameters:
    ///   - centers: per structure, the atom indices to describe (nil: the descriptor's default). Global
    ///     descriptors describe whole structures and throw `DescriptorError.invalidSetting` when given centers.
    ///   - threads: worker threads.
    /// - Throws: `DescriptorError` for settings the structures do not fit, bad centers or unusable geometry.
    func create(_ structures: [Structure], centers: [[Int]]?, threads: Int) throws(DescriptorError) -> DescriptorRows

    /// Descriptor rows (as `create`) and their derivatives with respect to the atom positions that move
    /// them: one 3 × D block per (row, atom).
    /// - Throws: as `create`.
    func derivatives(
        _ structures: [Structure], centers: [[Int]]?, threads: Int
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives)
}

extension Descriptor {
    /// Global unless the descriptor says otherwise.
    public var isLocal: Bool { false }
}
