import Atoms
import Descriptors

extension PotentialMetadata {
    /// Checks, before anything is built from them, that the descriptor and kernel settings, e0 and sparse
    /// point counts are finite, in range (`PotentialLimits`) and consistent, and resolves the element symbols.
    /// - Returns: e0 and sparse point counts by atomic number.
    /// - Throws: `GAPError.badPotentialEntry` naming the file of `path` and the bad field.
    func validated(path: String) throws(GAPError) -> (e0: [Int: Double], sparsePoints: [Int: Int]) {
        func bad(_ field: String, _ detail: String) -> GAPError {
            .badPotentialEntry(path: path, entry: "metadata \(field)", detail: detail)
        }
        func check(_ field: String, _ value: Double, in range: ClosedRange<Double>, open: Bool = true) throws(GAPError) {
            guard value.isFinite, range.contains(value), !open || value > range.lowerBound else {
                throw bad(
                    field, "is \(value); it must be finite and in \(open ? "(" : "[")\(range.lowerBound), \(range.upperBound)]")
            }
        }
        if let calibration {
            try check("calibration.energy", calibration.energy, in: 0...Double.greatestFiniteMagnitude)
            try check("calibration.force", calibration.force, in: 0...Double.greatestFiniteMagnitude)
        }
        if let soap {
            try check("soap.cutoff", soap.cutoff, in: 0...DescriptorLimits.cutoff)
            try check("soap.cutoff_transition_width", soap.cutoffTransitionWidth, in: 0...soap.cutoff)
            try check("soap.atom_sigma", soap.atomSigma, in: 0...soap.cutoff)
            try check(
                "soap.central_weight", soap.centralWeight, in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                open: false)
            guard (1...DescriptorLimits.soapNMax).contains(soap.nMax) else {
                throw bad("soap.n_max", "is \(soap.nMax); it must be in 1…\(DescriptorLimits.soapNMax)")
            }
            guard (0...DescriptorLimits.soapLMax).contains(soap.lMax) else {
                throw bad("soap.l_max", "is \(soap.lMax); it must be in 0…\(DescriptorLimits.soapLMax)")
            }
            guard (0...PotentialLimits.species).contains(soap.speciesZ.count),
                soap.speciesZ.allSatisfy({ Element.symbol($0) != nil }), Set(soap.speciesZ).count == soap.speciesZ.count
            else {
                throw bad(
                    "soap.species_Z",
                    "is \(soap.speciesZ); it must list up to \(PotentialLimits.species) distinct atomic numbers (1…118)")
            }
            guard let kernel else { throw bad("kernel", "is missing, though the model has a SOAP term") }
            try check("kernel.delta", kernel.delta, in: 0...Double.greatestFiniteMagnitude)
            try check("kernel.zeta", kernel.zeta, in: 0...Double.greatestFiniteMagnitude)
        } else if !sparsePoints.isEmpty {
            throw bad("sparse_points", "lists SOAP sparse points, but the model has no SOAP term")
        }
        guard terms.count <= PotentialLimits.terms else {
            throw bad("terms", "has \(terms.count) entries; at most \(PotentialLimits.terms) are allowed")
        }
        for (k, term) in terms.enumerated() {
            do { try term.descriptor.validate() } catch { throw bad("terms.\(k).descriptor", "is invalid: \(error)") }
            do { try term.kernel.validate(dimension: term.descriptor.dimension, term: "term \(k)") } catch {
                throw bad("terms.\(k).kernel", "is invalid: \(error)")
            }
            guard (1...PotentialLimits.sparsePoints).contains(term.sparsePoints) else {
                throw bad("terms.\(k).sparse_points", "is \(term.sparsePoints); it must be in 1…\(PotentialLimits.sparsePoints)")
            }
        }
        var energies = [Int: Double]()
        for (symbol, value) in e0 {
            guard let z = Element.atomicNumber(symbol) else { throw bad("e0", "names an unknown element '\(symbol)'") }
            guard value.isFinite else { throw bad("e0.\(symbol)", "is \(value); it must be finite") }
            energies[z] = value
        }
        guard !sparsePoints.isEmpty || !terms.isEmpty else {
            throw bad("sparse_points", "is empty and there are no 2- or 3-body terms; a potential has at least one term")
        }
        var counts = [Int: Int]()
        for (symbol, count) in sparsePoints {
            guard let z = SOAPTerm.center(symbol) else { throw bad("sparse_points", "names an unknown element '\(symbol)'") }
            guard (1...PotentialLimits.sparsePoints).contains(count) else {
                throw bad("sparse_points.\(symbol)", "is \(count); it must be in 1…\(PotentialLimits.sparsePoints)")
            }
            guard z == 0 || energies[z] != nil else { throw bad("e0", "has no value for \(symbol), which has sparse points") }
            guard let soap, z == 0 || soap.speciesZ.isEmpty || soap.speciesZ.contains(z) else {
                throw bad("soap.species_Z", "is \(soap?.speciesZ ?? []), without \(symbol) (Z \(z)), which has sparse points")
            }
            counts[z] = count
        }
        return (energies, counts)
    }
}
