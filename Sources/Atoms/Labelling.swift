extension Structure {
    /// A copy carrying `calculator`'s results as reference data: info `energy` and `virial` (nine numbers in
    /// ASE's order), per-atom `forces`, and optionally per-atom `energies`.
    public func labelled(by calculator: some Calculator, perAtomEnergies: Bool = false) throws -> Structure {
        let r = try calculator.calculate(self)
        var out = self
        out.info["energy"] = .double(r.energy)
        out.info["virial"] = .doubles(r.virial.columnMajor)
        out.arrays["forces"] = .vectors(r.forces)
        if perAtomEnergies, let e = r.atomEnergies { out.arrays["energies"] = .doubles(e, width: 1) }
        return out
    }
}
