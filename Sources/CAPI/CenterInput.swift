import Descriptors

/// SOAP centers as a C caller passes them: a count per structure, then for every center an atom index (−1 for a
/// point) and three coordinates (read for points).
struct CenterInput {
    /// Per structure, its centers: an atom index, or a point in Å.
    let perStructure: [[SOAP.Center]]

    /// The centers, after checking the counts; `points` may be NULL when no center is a point.
    /// - Throws: `CAPIError` for a negative (or absurd) count, or a point without `points`.
    init(counts: [Int64], atoms: UnsafePointer<Int64>, points: UnsafePointer<Double>?) throws {
        var out = [[SOAP.Center]]()
        var k = 0
        for (s, n) in counts.enumerated() {
            guard n >= 0, n <= Int64(Int32.max) else { throw CAPIError("structure \(s) has \(n) centers") }
            out.append(
                try (0..<Int(n)).map { _ in
                    defer { k += 1 }
                    let atom = atoms[k]
                    if atom >= 0 { return .atom(Int(atom)) }
                    guard let points else { throw CAPIError("center \(k) is a point (atom −1) but centerPoints is NULL") }
                    return .point(SIMD3(points[3 * k], points[3 * k + 1], points[3 * k + 2]))
                })
        }
        perStructure = out
    }

    /// The centers as atom indices, for descriptors other than SOAP and for center sampling.
    /// - Throws: `CAPIError` for a center at a point.
    func atomIndices() throws -> [[Int]] {
        try perStructure.map { list in
            try list.map { center in
                guard case let .atom(i) = center else {
                    throw CAPIError("only SOAP (not pooled) takes centers at points; give atom indices")
                }
                return i
            }
        }
    }
}
