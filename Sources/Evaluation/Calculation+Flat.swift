import Atoms

extension Calculation {
    /// The calculation as one array of numbers — energy, virial (9, column-major), forces (3N), then the N
    /// atom energies when there are any — what ranks send each other.
    public var flattened: [Double] {
        var out = [energy] + virial.columnMajor
        out.reserveCapacity(10 + 4 * forces.count)
        for f in forces { out += [f.x, f.y, f.z] }
        if let atomEnergies { out += atomEnergies }
        return out
    }

    /// The calculation of `atoms` atoms that `flattened` gave, or nil when `values` has the wrong length.
    public init?(flattened v: [Double], atoms: Int) {
        let fixed = 10 + 3 * atoms
        guard v.count == fixed || v.count == fixed + atoms, let virial = Matrix3(columnMajor: Array(v[1..<10])) else {
            return nil
        }
        let forces = (0..<atoms).map { SIMD3(v[10 + 3 * $0], v[11 + 3 * $0], v[12 + 3 * $0]) }
        self.init(energy: v[0], forces: forces, virial: virial, atomEnergies: v.count > fixed ? Array(v[fixed...]) : nil)
    }
}
