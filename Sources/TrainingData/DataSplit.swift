import Atoms
import Support

/// A training set with its held-out test configurations.
public struct DataSplit: Sendable {
    public var train: [Structure]
    public var test: [Structure]

    /// Splits `structures` at random (from `seed`) within each config_type, `testFraction` of each type
    /// going to the test set (at least one when a type has two or more configurations).
    public init(_ structures: [Structure], testFraction: Double, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var byType = [String: [Structure]]()
        var order = [String]()
        for s in structures {
            let type = s.configType() ?? ""
            if byType[type] == nil { order.append(type) }
            byType[type, default: []].append(s)
        }
        train = []
        test = []
        for type in order {
            var group = byType[type]!
            group.shuffle(using: &rng)
            let count = group.count >= 2 ? max(1, Int((testFraction * Double(group.count)).rounded())) : 0
            test += group.prefix(count)
            train += group.dropFirst(count)
        }
    }
}
