import Atoms
import Support

/// A local descriptor (one row per center) with its centers subsampled and/or its rows pooled into one row per
/// structure, derivatives included: the ways from local to global descriptors that DScribe's users know
/// (averaging) and those they ask for (max-pooling, site weights, random centers in large cells).
///
/// ```swift
/// let soap = try SOAP.dscribe(species: [11, 17], cutoff: 5, nMax: 6, lMax: 4, atomSigma: 0.4)
/// let pooled = try PooledDescriptor(soap, pooling: .max, sampling: CenterSampling(.fraction(0.25), seed: 7))
/// let rows = try pooled.create(cells)                   // one row per cell
/// ```
public struct PooledDescriptor: Descriptor {
    /// The local descriptor whose rows are pooled.
    public let base: any Descriptor
    /// How the center rows of a structure are combined; nil keeps one row per (sampled) center.
    public let pooling: Pooling?
    /// Which centers are described; nil: the centers given to `create`, or all atoms.
    public let sampling: CenterSampling?

    /// Pools and/or subsamples `base`.
    /// - Throws: `DescriptorError.invalidSetting` when `base` is not local (it already gives one row per
    ///   structure) or when neither pooling nor sampling is asked for.
    public init(_ base: any Descriptor, pooling: Pooling?, sampling: CenterSampling? = nil) throws(DescriptorError) {
        guard base.isLocal else {
            throw .invalidSetting(
                name: "pooling", value: "\(type(of: base))",
                hint: "pooling and center sampling need a local descriptor (one row per center, no averaging)")
        }
        guard pooling != nil || sampling != nil else {
            throw .invalidSetting(name: "pooling", value: "none", hint: "give a pooling, a center sampling or both")
        }
        self.base = base
        self.pooling = pooling
        self.sampling = sampling
    }

    public var numberOfFeatures: Int { base.numberOfFeatures }

    /// Local when its center rows are kept (sampling alone), global when pooled.
    public var isLocal: Bool { pooling == nil }

    /// One pooled row per structure (or one row per sampled center without pooling).
    /// - Parameters:
    ///   - centers: per structure, the candidate centers (nil: every atom); sampling draws from them.
    /// - Throws: `base`'s errors; `.invalidSetting` for a structure without centers or without usable site weights.
    public func create(_ structures: [Structure], centers: [[Int]]?, threads: Int) throws(DescriptorError) -> DescriptorRows {
        let chosen = try prepare(structures, centers)
        let rows = try base.create(structures, centers: chosen.centers, threads: threads)
        guard let pooling else { return rows }
        return try pool(rows, pooling, weights: chosen.weights, structures: structures.count).rows
    }

    /// Rows as `create` and their derivatives: for a pooled row, ∂ of the pooled value with respect to every
    /// atom that moves one of its centers' rows.
    /// - Throws: as `create`.
    public func derivatives(
        _ structures: [Structure], centers: [[Int]]?, threads: Int
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        let chosen = try prepare(structures, centers)
        guard let pooling else { return try base.derivatives(structures, centers: chosen.centers, threads: threads) }
        let rows = try base.create(structures, centers: chosen.centers, threads: threads)
        let pooled = try pool(rows, pooling, weights: chosen.weights, structures: structures.count)
        let blocks = try pooledDerivatives(structures, pooled, rows: rows, threads: threads)
        return (pooled.rows, blocks)
    }

    /// The centers to describe and, for site weights, each structure's weight per atom — checked before the work.
    private func prepare(_ structures: [Structure], _ centers: [[Int]]?) throws(DescriptorError)
        -> (centers: [[Int]]?, weights: [[Double]]?)
    {
        if let centers, centers.count != structures.count {
            throw .invalidSetting(
                name: "centers", value: "\(centers.count) lists", hint: "give one list per structure (\(structures.count))")
        }
        let chosen = sampling.map { $0.centers(structures, given: centers) } ?? centers
        guard case let .siteWeighted(name)? = pooling else { return (chosen, nil) }
        var weights = [[Double]]()
        for (k, s) in structures.enumerated() {
            guard case let .doubles(w, 1)? = s.arrays[name] ?? s.arrays[name.lowercased()], w.count == s.count else {
                throw .invalidSetting(
                    name: "site weights", value: "'\(name)' in structure \(k)",
                    hint: "each structure needs a per-atom real column '\(name)' (Properties=…:\(name):R:1)")
            }
            let candidates = chosen?[k] ?? Array(0..<s.count)
            let total = candidates.reduce(0.0) { $0 + (w.indices.contains($1) ? w[$1] : 0) }
            guard w.allSatisfy({ $0.isFinite && $0 >= 0 }), total > 0 else {
                throw .invalidSetting(
                    name: "site weights", value: "'\(name)' in structure \(k)",
                    hint: "weights must be finite, ≥ 0 and not all zero over the centers")
            }
            weights.append(w)
        }
        return (chosen, weights)
    }

    /// Pooled rows, and for each one which center rows it combines with which coefficients (average, site
    /// weights) or which row holds each feature's maximum.
    struct Pooled {
        var rows: DescriptorRows
        /// Per pooled row: the center rows and their coefficients (average, site weights; empty with max-pooling).
        var members: [[(row: Int, coefficient: Double)]]
        /// Per pooled row, with max-pooling: the center row of each feature's maximum.
        var argmax: [[Int]]
    }

    private func pool(_ rows: DescriptorRows, _ pooling: Pooling, weights: [[Double]]?, structures: Int) throws(DescriptorError)
        -> Pooled
    {
        let D = rows.featureCount
        var byStructure = [[Int]](repeating: [], count: structures)
        for k in 0..<rows.count { byStructure[rows.structure[k]].append(k) }
        var out = Pooled(rows: DescriptorRows(featureCount: D), members: [], argmax: [])
        out.rows.values.reserveCapacity(structures * D)
        for (s, members) in byStructure.enumerated() {
            guard !members.isEmpty else {
                throw .invalidSetting(name: "pooling", value: "structure \(s)", hint: "the structure has no centers to pool")
            }
            var row = [Double](repeating: 0, count: D)
            var coefficients = [(row: Int, coefficient: Double)]()
            switch pooling {
            case .average, .siteWeighted:
                let w = members.map { k in weights.map { $0[s][rows.center[k]] } ?? 1 }
                let total = w.reduce(0, +)
                for (k, wk) in zip(members, w) where wk != 0 {
                    let c = wk / total
                    coefficients.append((k, c))
                    let q = rows.row(k)
                    for f in 0..<D { row[f] += c * q[q.startIndex + f] }
                }
                out.argmax.append([])
            case .max:
                var best = [Int](repeating: members[0], count: D)
                row = Array(rows.row(members[0]))
                for k in members.dropFirst() {
                    let q = rows.row(k)
                    for f in 0..<D where q[q.startIndex + f] > row[f] {
                        row[f] = q[q.startIndex + f]
                        best[f] = k
                    }
                }
                out.argmax.append(best)
            }
            out.members.append(coefficients)
            out.rows.values += row
            out.rows.structure.append(s)
            out.rows.center.append(-1)
        }
        return out
    }
}
