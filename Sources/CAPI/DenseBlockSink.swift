import Descriptors

/// Places derivative blocks in the caller's dense per-structure arrays of shape (rows, slots, 3, features): the
/// block of (structure k, row r, atom a) at `outputs[k]` + ((r · slots[k] + slot) · 3 · features), slot being
/// `slotOfAtom[firstAtom[k] + a]`. Blocks of atoms without a slot (−1), or of rows past the caller's count (an
/// error the caller reports once the rows are known), are dropped: nothing is written out of bounds.
final class DenseBlockSink: @unchecked Sendable {
    private let outputs: UnsafePointer<UnsafeMutablePointer<Double>?>
    private let rowCounts: UnsafePointer<Int64>
    private let slotOfAtom: UnsafePointer<Int64>
    private let firstAtom: [Int]
    private let slots: UnsafePointer<Int64>
    private let features: Int

    /// The caller's arrays and layout (valid for the sink's life), already checked: every slot below `slots[k]`,
    /// every array with rows and slots present.
    init(
        outputs: UnsafePointer<UnsafeMutablePointer<Double>?>, rowCounts: UnsafePointer<Int64>,
        slotOfAtom: UnsafePointer<Int64>, firstAtom: [Int], slots: UnsafePointer<Int64>, features: Int
    ) {
        self.outputs = outputs
        self.rowCounts = rowCounts
        self.slotOfAtom = slotOfAtom
        self.firstAtom = firstAtom
        self.slots = slots
        self.features = features
    }

    /// The place of one block in the caller's arrays, nil for a block it does not take (the `DerivativeBlockSink`
    /// of the caller's arrays).
    func destination(structure k: Int, row: Int, atom: Int) -> UnsafeMutablePointer<Double>? {
        let slot = Int(slotOfAtom[firstAtom[k] + atom])
        guard slot >= 0, row < rowCounts[k], let output = outputs[k] else { return nil }
        return output + (row * Int(slots[k]) + slot) * 3 * features
    }
}
