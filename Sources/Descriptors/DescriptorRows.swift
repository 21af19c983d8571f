/// Descriptor vectors of many centers: one row per center (or per structure when averaged).
public struct DescriptorRows: Equatable, Sendable {
    /// Length of each row.
    public let featureCount: Int
    /// The rows, one after another.
    public internal(set) var values: [Double]
    /// Index of each row's structure in the input.
    public internal(set) var structure: [Int]
    /// Atom index of each row's center in its structure, −1 for an averaged row or a point center.
    public internal(set) var center: [Int]

    /// Number of rows.
    public var count: Int { structure.count }

    /// Row `k`.
    public func row(_ k: Int) -> ArraySlice<Double> { values[(k * featureCount)..<((k + 1) * featureCount)] }

    init(featureCount: Int) {
        self.featureCount = featureCount
        values = []
        structure = []
        center = []
    }
}
