import Atoms

/// What labels the configurations an active-learning loop picks: a reference calculator or the user's command.
public protocol Oracle: Sendable {
    /// The elements the oracle can label (nil: any).
    var elements: Set<Int>? { get }
    /// `structures` with reference energies and forces (and virials where the oracle gives them), in order.
    /// - Throws: `LearningError` naming `round` and the file or configuration at fault.
    func label(_ structures: [Structure], round: Int) throws(LearningError) -> [Structure]
}

extension Oracle {
    /// Checks that the oracle knows every element of `structures`, before any work.
    /// - Throws: `LearningError.elementUnknownToOracle` naming `role` and the first configuration at fault.
    public func check(_ structures: [Structure], role: String) throws(LearningError) {
        guard let elements else { return }
        for (k, s) in structures.enumerated() {
            if let z = s.atomicNumbers.first(where: { !elements.contains($0) }) {
                throw .elementUnknownToOracle(role: role, configuration: k, element: z, known: elements.sorted())
            }
        }
    }
}
