import Atoms

/// An oracle that labels in-process with a reference calculator (e.g. Stillinger–Weber or Lennard-Jones): info
/// `energy` and `virial`, per-atom `forces`.
public struct CalculatorOracle: Oracle {
    /// The reference calculator.
    public let calculator: any Calculator
    public let elements: Set<Int>?

    /// An oracle labelling with `calculator`, which knows `elements` (nil: any).
    public init(_ calculator: any Calculator, elements: Set<Int>?) {
        self.calculator = calculator
        self.elements = elements
    }

    public func label(_ structures: [Structure], round: Int) throws(LearningError) -> [Structure] {
        var out = [Structure]()
        for (k, s) in structures.enumerated() {
            do { out.append(try s.labelled(by: calculator)) } catch {
                throw .labelling(round: round, configuration: k, message: "\(error)")
            }
        }
        return out
    }
}
