import Atoms
import Support

/// A calculator's results on a data set and their errors against the configurations' reference values.
public struct Predictions {
    /// One calculation per configuration, in order.
    public private(set) var results: [Calculation] = []
    /// Errors against the reference values, overall and per config_type.
    public private(set) var statistics = ErrorStatistics()

    /// Runs `calculator` on every structure; `progress` hears how many are done after each one.
    public init(
        _ structures: [Structure], calculator: some Calculator, keys: ReferenceKeys,
        progress: (_ done: Int) -> Void = { _ in }
    ) throws {
        results.reserveCapacity(structures.count)
        for batch in Self.batches(of: structures) {
            let part = Array(structures[batch])
            for (s, r) in zip(part, try calculator.calculate(batch: part)) { add(r, of: s, keys: keys) }
            progress(batch.upperBound)
        }
    }

    /// Atoms of the consecutive structures handed to a calculator together (`Calculator.calculate(batch:)`).
    public static let batchAtoms = 256

    /// `structures` cut into consecutive batches of up to `batchAtoms` atoms (a larger structure alone).
    public static func batches(of structures: [Structure]) -> [Range<Int>] {
        var out = [Range<Int>](), start = 0, atoms = 0
        for (k, s) in structures.enumerated() {
            if k > start && atoms + s.count > batchAtoms {
                out.append(start..<k)
                (start, atoms) = (k, 0)
            }
            atoms += s.count
        }
        if start < structures.count { out.append(start..<structures.count) }
        return out
    }

    /// Runs `calculator` on every structure with the structures shared among the ranks of `communicator`
    /// (contiguous shares balanced by atoms); the results and their errors are on rank 0, the other ranks get
    /// none. `progress` hears about this rank's own share.
    /// - Throws: what the calculator throws (on several ranks, `DistributedError.rankFailed` with its message).
    public init(
        _ structures: [Structure], calculator: some Calculator, keys: ReferenceKeys, communicator: any Communicator,
        progress: (_ done: Int) -> Void = { _ in }
    ) throws {
        guard communicator.size > 1 else {
            try self.init(structures, calculator: calculator, keys: keys, progress: progress)
            return
        }
        var done = 0
        let flat = try communicator.map(weights: structures.map(\.count)) { k in
            defer {
                done += 1
                progress(done)
            }
            return try calculator.calculate(structures[k]).flattened
        }
        var results = [Calculation]()
        for (s, values) in zip(structures, flat) {
            guard let r = Calculation(flattened: values, atoms: s.count) else {
                throw DistributedError.transport(operation: "gather predictions", detail: "a result of the wrong length")
            }
            results.append(r)
        }
        self.init(structures, results: results, keys: keys)
    }

    /// The errors of `results` (one per structure, in order) against the structures' reference values.
    public init(_ structures: [Structure], results: [Calculation], keys: ReferenceKeys) {
        for (s, r) in zip(structures, results) { add(r, of: s, keys: keys) }
    }

    /// Adds the result `r` of structure `s` and its errors.
    private mutating func add(_ r: Calculation, of s: Structure, keys: ReferenceKeys) {
        statistics.add(atoms: s.count, configType: s.configType(keys), reference: s.referenceValues(keys), predicted: r)
        results.append(r)
    }

    /// True when any configuration had a reference value.
    public var hasReferences: Bool {
        let o = statistics.overall
        return o.energyPerAtom.count + o.forces.count + o.virialPerAtom.count > 0
    }
}
