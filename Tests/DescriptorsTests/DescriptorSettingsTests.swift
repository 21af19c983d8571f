import Descriptors
import Testing

/// DScribe-named JSON settings: every key read or refused, values typed and checked.
@Suite("Descriptor settings")
struct DescriptorSettingsTests {
    @Test func readsSOAPWithSymbolsOrNumbers() throws {
        let json = #"{"kind": "soap", "species": ["O", "H"], "r_cut": 4, "n_max": 3, "l_max": 2, "sigma": 0.5, "periodic": true}"#
        let soap = try #require(try DescriptorSettings.descriptor(json: json) as? SOAP)
        #expect(soap.species == [1, 8] && soap.nMax == 3 && soap.lMax == 2 && soap.periodic)
        let numbers = try DescriptorSettings.descriptor(json: json.replacingOccurrences(of: #"["O", "H"]"#, with: "[8, 1]"))
        #expect(numbers.numberOfFeatures == soap.numberOfFeatures)
    }

    /// `compression` and `species_weights` (in the order of `species`), and the older `crossover: true`.
    @Test func readsSOAPCompressionAndSpeciesWeights() throws {
        let base = #""kind": "soap", "species": ["O", "H"], "r_cut": 4, "n_max": 3, "l_max": 2"#
        let mu2 = try #require(
            try DescriptorSettings.descriptor(json: "{\(base), \"compression\": \"mu2\", \"species_weights\": [2, 0.5]}") as? SOAP)
        #expect(mu2.compression == .mu2 && mu2.speciesWeights == [8: 2, 1: 0.5] && mu2.species == [1, 8])
        #expect(mu2.numberOfFeatures == 3 * 4 / 2 * 3 && mu2.location(of: (1, 8)) == 0..<18)
        let old = try #require(try DescriptorSettings.descriptor(json: "{\(base), \"crossover\": true}") as? SOAP)
        #expect(old.compression == .crossover && old.speciesWeights.isEmpty)
        let ones = try #require(try DescriptorSettings.descriptor(json: "{\(base), \"species_weights\": [1, 1]}") as? SOAP)
        #expect(ones.compression == .off && ones.speciesWeights.isEmpty)
    }

    @Test func readsTheCoulombMatrix() throws {
        let cm = try #require(
            try DescriptorSettings.descriptor(
                json: #"{"kind": "coulomb_matrix", "n_atoms_max": 5, "permutation": "eigenspectrum"}"#)
                as? CoulombMatrix)
        #expect(cm.nAtomsMax == 5 && cm.permutation == .eigenspectrum)
    }

    @Test(arguments: [
        (#"{"kind": "soap", "species": [1], "r_cut": 4, "n_max": 3, "l_max": 2, "rcut": 5}"#, "rcut"),
        (#"{"kind": "soap", "species": [1], "r_cut": 4, "n_max": 3.5, "l_max": 2}"#, "n_max"),
        (#"{"kind": "soap", "species": ["Xx"], "r_cut": 4, "n_max": 3, "l_max": 2}"#, "Xx"),
        (#"{"kind": "soap", "species": [1], "n_max": 3, "l_max": 2}"#, "r_cut"),
        (
            #"{"kind": "soap", "species": [1], "r_cut": 4, "n_max": 3, "l_max": 2, "weighting": {"function": "poly", "c": 1, "r0": 3, "m": 2, "d": 1}}"#,
            "d"
        ),
        (#"{"kind": "sooap"}"#, "sooap"),
        (#"{"species": [1]}"#, "kind"),
        (#"[1, 2]"#, "JSON object"),
        (#"{"kind": "coulomb_matrix", "n_atoms_max": 0}"#, "n_atoms_max"),
        (#"{"kind": "coulomb_matrix", "n_atoms_max": 4, "permutation": "random", "sigma": 0.1, "seed": -1}"#, "seed"),
        (#"{"kind": "soap", "#, "JSON"),
        (#"{"kind": "soap", "species": [1], "r_cut": 4, "n_max": 3, "l_max": 2, "compression": "mu3"}"#, "compression"),
        (
            #"{"kind": "soap", "species": [1], "r_cut": 4, "n_max": 3, "l_max": 2, "compression": "mu2", "crossover": true}"#,
            "contradicts"
        ),
        (#"{"kind": "soap", "species": [1, 8], "r_cut": 4, "n_max": 3, "l_max": 2, "species_weights": [1]}"#, "one weight per"),
        (#"{"kind": "soap", "species": [1, 1], "r_cut": 4, "n_max": 3, "l_max": 2, "species_weights": [1, 2]}"#, "twice")
    ])
    func refusesBadSettingsNamingTheKey(json: String, named: String) {
        #expect {
            try DescriptorSettings.descriptor(json: json)
        } throws: { error in
            "\(error)".contains(named)
        }
    }

    /// Fuzz regression (FuzzDescriptorSettings, a timeout): DScribe's GTO basis with n_max 12 on a 3 Å cutoff, whose
    /// radial functions were noisy at 1e-8 and refined to 2¹⁶ intervals before failing, is refused before any
    /// tabulation: its overlap matrices are too ill-conditioned for an orthonormal basis in double precision.
    @Test func unorthonormalisableGTOBasisIsRefused() {
        let json = #"{"kind": "soap", "species": [1, 8], "r_cut": 3.0, "n_max": 12, "l_max": 2, "sigma": 1.5}"#
        #expect {
            try DescriptorSettings.descriptor(json: json)
        } throws: { error in
            guard case let .invalidSetting(name, _, hint) = error as? DescriptorError else { return false }
            return name == "n_max" && hint.contains("cannot be orthonormalised") && hint.contains("smaller n_max")
        }
    }
}
