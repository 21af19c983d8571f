/// The atom count a frame declares, checked against a sane limit and against the bytes the input still
/// holds before any storage is reserved for it.
struct FrameSize {
    /// Most atoms one frame may declare (a file that size would hold tens of gigabytes of atom lines).
    static let maximumAtoms = 1 << 30
    /// Values (atoms × tokens per atom) reserved up front without asking how much input is left.
    static let freelyReserved = 1 << 16

    /// The declared number of atoms.
    let atoms: Int
    /// Atoms to reserve storage for up front; storage grows beyond it as atom lines actually arrive.
    let reservedAtoms: Int

    /// Checks `atoms` atom lines of `tokensPerAtom` tokens each (1 … `PropertiesSpec.maximumTokensPerAtom`).
    /// `remainingBytes` gives the input bytes after the comment line when knowable (a regular file, memory).
    /// - Throws: `.badAtomCount` at `line` (the atom-count line) when the count is above `maximumAtoms`
    ///   or more atom lines than the remaining bytes can hold (each needs at least 2 bytes per token).
    init(atoms: Int, tokensPerAtom: Int, remainingBytes: () -> Int?, frame: Int, file: String, line: Int)
        throws(ExtXYZError)
    {
        func fail(_ message: String) -> ExtXYZError {
            ExtXYZError(
                file: file, line: line, kind: .badAtomCount,
                message: "frame \(frame) declares \(atoms) atoms, \(message); correct the atom count on this line "
                    + "(or the Properties widths), or supply the rest of the file")
        }
        guard atoms <= Self.maximumAtoms else { throw fail("more than the \(Self.maximumAtoms) a frame may have") }
        self.atoms = atoms
        // atoms ≤ 2³⁰ and tokensPerAtom ≤ 2²⁰, so the product cannot overflow.
        let values = atoms * tokensPerAtom
        guard values > Self.freelyReserved else {
            reservedAtoms = atoms
            return
        }
        guard let remaining = remainingBytes() else {
            reservedAtoms = Self.freelyReserved / tokensPerAtom
            return
        }
        // A token and its separator take 2 bytes; the last atom line may lack its newline.
        guard atoms <= (remaining + 1) / (2 * tokensPerAtom) else {
            throw fail("but only \(remaining) bytes follow, too few for \(atoms) lines of \(tokensPerAtom) columns")
        }
        reservedAtoms = atoms
    }
}
