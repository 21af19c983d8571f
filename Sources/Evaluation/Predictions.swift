import Atoms

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
        for (k, s) in structures.enumerated() {
            let r = try calculator.calculate(s)
            let reference = s.referenceValues(keys)
            statistics.add(atoms: s.count, configType: s.configType(keys), reference: reference, predicted: r)
            results.append(r)
            progress(k + 1)
        }
    }

    /// True when any configuration had a reference value.
    public var hasReferences: Bool {
        let o = statistics.overall
        return o.energyPerAtom.count + o.forces.count + o.virialPerAtom.count > 0
    }
}
