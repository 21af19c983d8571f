import Descriptors

/// Places derivative blocks in the caller's dense per-structure arrays of shape (rows, slots, 3, features): the
/// block of (structure k, row r, atom a) at `outputs[k]` + ((r · slots[k] + slot) · 3 · features), slot being
/// `slotOfAtom[firstAtom[k] + a]`. Blocks of atoms without a slot (−1), or of rows past the caller's count (an
/// error the caller reports once the rows are known), are dropped: nothing is written out of bounds.
///
/// With `fill`, the sink also notes each block it hands out, and `zeroBlocksNotHandedOut` zeros the others, so that
/// the caller's arrays need not be zeroed first (a small output that the allocator hands back from memory already used
/// is otherwise cleared in one more pass over it: about 6 % of the lesson molecules' `derivatives` call).
final class DenseBlockSink: @unchecked Sendable {
    private let outputs: UnsafePointer<UnsafeMutablePointer<Double>?>
    private let rowCounts: UnsafePointer<Int64>
    private let slotOfAtom: UnsafePointer<Int64>
    private let firstAtom: [Int]
    private let slots: UnsafePointer<Int64>
    private let features: Int
    /// With `fill`: per structure k the first of its rowCounts[k] · slots[k] marks (one per block, row-major), and
    /// a byte per block of every structure, set when its block is handed out (blocks never overlap, so each is
    /// written by one thread).
    private let marks: (first: [Int], handedOut: UnsafeMutablePointer<UInt8>)?

    /// The caller's arrays and layout (valid for the sink's life), already checked: every slot below `slots[k]`,
    /// every array with rows and slots present. `fill`: keep track of the blocks handed out, for
    /// `zeroBlocksNotHandedOut`.
    init(
        outputs: UnsafePointer<UnsafeMutablePointer<Double>?>, rowCounts: UnsafePointer<Int64>,
        slotOfAtom: UnsafePointer<Int64>, firstAtom: [Int], slots: UnsafePointer<Int64>, features: Int, fill: Bool
    ) {
        self.outputs = outputs
        self.rowCounts = rowCounts
        self.slotOfAtom = slotOfAtom
        self.firstAtom = firstAtom
        self.slots = slots
        self.features = features
        guard fill else {
            marks = nil
            return
        }
        var first = [0]
        for k in firstAtom.indices { first.append(first[k] + Int(rowCounts[k]) * Int(slots[k])) }
        let handedOut = UnsafeMutablePointer<UInt8>.allocate(capacity: max(first[firstAtom.count], 1))
        handedOut.initialize(repeating: 0, count: first[firstAtom.count])
        marks = (first, handedOut)
    }

    deinit { marks?.handedOut.deallocate() }

    /// The place of one block in the caller's arrays, nil for a block it does not take (the `DerivativeBlockSink`
    /// of the caller's arrays).
    func destination(structure k: Int, row: Int, atom: Int) -> UnsafeMutablePointer<Double>? {
        let slot = Int(slotOfAtom[firstAtom[k] + atom])
        guard slot >= 0, row < rowCounts[k], let output = outputs[k] else { return nil }
        let block = row * Int(slots[k]) + slot
        if let marks { marks.handedOut[marks.first[k] + block] = 1 }
        return output + block * 3 * features
    }

    /// Zeros every block of the caller's arrays that was not handed out (no atom of its slot moves its row), when
    /// the sink was made with `fill`; nothing otherwise.
    func zeroBlocksNotHandedOut() {
        guard let (first, handedOut) = marks else { return }
        for k in firstAtom.indices {
            guard let output = outputs[k] else { continue }
            for block in 0..<(first[k + 1] - first[k]) where handedOut[first[k] + block] == 0 {
                (output + block * 3 * features).update(repeating: 0, count: 3 * features)
            }
        }
    }
}
