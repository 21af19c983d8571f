import Descriptors
import GAP

/// What the `<descriptor>` string of a GAP XML `gpCoordinates` defines, read as QUIP reads it for the XML's
/// `gap_version`: a SOAP descriptor around one center element (0: every element), or a 2- or 3-body
/// descriptor. Training-only keys gap_fit leaves in the string (`n_sparse`, `sparse_method`, `delta`, …) are
/// passed over; the kernel comes from the `gpCoordinates` attributes. Keys that change the descriptor in
/// ways SwiftGAP does not implement are refused by name.
enum GapXMLDescriptor: Equatable {
    /// A QUIP `soap` descriptor and its center element (0: every atom is a center).
    case soap(SOAPSettings, center: Int)
    /// A `distance_2b` or `angle_3b` descriptor.
    case geometric(GeometricDescriptor)

    /// The gap_version from which the SOAP power spectrum is divided by √(2l+1).
    static let twoLPlusOneVersion = 1_423_143_769
    /// The gap_version before which `central_reference_all_species` defaults to true.
    static let centralReferenceVersion = 1_426_512_068

    /// gap_fit's GP and sparsification keys: they do not change what the descriptor computes.
    static let trainingKeys = [
        "delta", "energy_scale", "f0", "n_sparse", "config_type_n_sparse", "sparse_method", "theta_fac", "lengthscale_factor",
        "theta_uniform", "lengthscale_uniform", "theta_file", "lengthscale_file", "sparse_file", "mark_sparse_atoms",
        "add_species", "covariance_type", "theta", "zeta", "soap_exponent", "print_sparse_index", "unique_hash_tolerance",
        "unique_descriptor_tolerance", "xml_version"
    ]

    /// Reads `text` (the descriptor string at `line` of `file`) for an XML of `version`.
    /// - Throws: `GapXMLError.descriptor` for syntax and values, `.unsupported` for descriptors and settings
    ///   SwiftGAP does not implement.
    static func read(_ text: String, version: Int, file: String, line: Int) throws(GapXMLError) -> GapXMLDescriptor {
        do {
            var args = try GapFitCommandLine(configFileContents: text, name: "\(file) (descriptor on line \(line))")
            let bare = args.parameters.entries.filter { $0.value == nil }
            guard let type = bare.first else {
                throw GapXMLError.missing(file: file, line: line, what: "the descriptor type (the first word of <descriptor>)")
            }
            _ = try args.bool(type.key)
            for key in trainingKeys { _ = try args.string(key) }
            let result: GapXMLDescriptor
            switch type.key {
            case "soap":
                result = try soap(&args, version: version, file: file, line: line)
            case "distance_2b", "angle_3b":
                result = .geometric(try geometric(&args, type: type.key))
            default:
                throw GapXMLError.unsupported(
                    file: file, line: line, what: "the \(type.spelling) descriptor",
                    hint: "SwiftGAP evaluates soap, distance_2b and angle_3b terms"
                        + (type.key == "soap_turbo" ? " (soap_turbo is a different descriptor from soap)" : ""))
            }
            try args.rejectUnread(hints: [:])
            return result
        } catch let error as GapXMLError {
            throw error
        } catch let error as GapFitSyntaxError {
            throw .descriptor(file: file, line: line, error)
        } catch {
            throw .descriptor(file: file, line: line, .unreadableConfigFile(path: file, reason: "\(error)"))
        }
    }

    /// A QUIP `soap` string (descriptors.F90 `soap_initialise`), with its version rules.
    private static func soap(
        _ args: inout GapFitCommandLine, version: Int, file: String, line: Int
    ) throws -> GapXMLDescriptor {
        func unsupported(_ what: String, _ hint: String) -> GapXMLError {
            .unsupported(file: file, line: line, what: what, hint: hint)
        }
        guard version >= twoLPlusOneVersion else {
            throw unsupported(
                "gap_version \(version) (SOAP without the √(2l+1) normalisation of files before \(twoLPlusOneVersion))",
                "refit the model with a gap_fit from 2015 or later")
        }
        guard let cutoff = try args.double("cutoff") else { throw args.required("cutoff", "cutoff=5.0") }
        guard let nMax = try args.int("n_max") else { throw args.required("n_max", "n_max=8") }
        guard let lMax = try args.int("l_max") else { throw args.required("l_max", "l_max=8") }
        guard let sigma = try args.double("atom_sigma", alias: "atom_gaussian_width") else {
            throw args.required("atom_sigma", "atom_sigma=0.5")
        }
        let width = try args.double("cutoff_transition_width") ?? 0.5
        let central = try args.double("central_weight") ?? 1
        let given = try args.bool("central_reference_all_species")
        let nSpecies = try args.int("n_species") ?? 1
        var species = try args.intList("species_Z") ?? []
        if nSpecies == 1 && species == [0] { species = [] }
        guard species.count == (nSpecies == 1 && species.isEmpty ? 0 : nSpecies) else {
            throw args.bad("species_Z", species.map(String.init).joined(separator: " "), "n_species = \(nSpecies) atomic numbers")
        }
        // QUIP sets it after reading the string: an old file's default wins even over an explicit F.
        let allSpecies = version < centralReferenceVersion ? true : given ?? false
        let centers = try args.intList("Z") ?? [0]
        guard try (args.int("n_Z") ?? 1) == 1, centers.count == 1 else {
            throw unsupported("a SOAP term over several center elements at once (n_Z > 1)", "give one Z per <gpCoordinates>")
        }
        let defaults: [(String, Double)] = [
            ("cutoff_dexp", 0), ("cutoff_scale", 1), ("cutoff_rate", 1), ("covariance_sigma0", 0), ("basis_error_exponent", 10),
            ("nu_r", 2), ("nu_s", 2), ("k", 0), ("mix_shift", 0)
        ]
        for (key, standard) in defaults {
            if let value = try args.double(key), value != standard {
                throw unsupported("\(key)=\(value)", "SwiftGAP's QUIP SOAP implements \(key)=\(standard) (QUIP's default)")
            }
        }
        for (key, standard) in [
            ("normalise", true), ("average", false), ("diagonal_radial", false), ("z_mix", false),
            ("r_mix", false), ("sym_mix", false), ("coupling", true)
        ] {
            if let value = try args.bool(key), value != standard {
                throw unsupported("\(key)=\(value ? "T" : "F")", "SwiftGAP's QUIP SOAP implements \(key)=\(standard ? "T" : "F")")
            }
        }
        if let basis = try args.string("radial_basis"), !["", "equispaced_gauss"].contains(basis.lowercased()) {
            throw unsupported("radial_basis=\(basis)", "SwiftGAP's QUIP SOAP uses QUIP's default EQUISPACED_GAUSS basis")
        }
        if let map = try args.string("Z_map"), !map.isEmpty {
            throw unsupported("Z_map=\(map)", "species mapping is not implemented")
        }
        let settings = SOAPSettings(
            cutoff: cutoff, cutoffTransitionWidth: width, nMax: nMax, lMax: lMax, atomSigma: sigma, centralWeight: central,
            speciesZ: species, centralReferenceAllSpecies: allSpecies && species.count > 1)
        // The ranges, here with the line; the descriptor itself is built once, by the model's SOAP term.
        do { try SOAP.validate(cutoff: cutoff, nMax: nMax, lMax: lMax, atomSigma: sigma) } catch {
            throw GapXMLError.badValue(file: file, line: line, what: "the soap settings", value: "", expected: "\(error)")
        }
        return .soap(settings, center: centers[0])
    }

    /// A `distance_2b` or `angle_3b` string.
    private static func geometric(_ args: inout GapFitCommandLine, type: String) throws -> GeometricDescriptor {
        guard let cutoff = try args.double("cutoff") else { throw args.required("cutoff", "cutoff=5.0") }
        let shape = CosineCutoff(cutoff: cutoff, width: try args.double("cutoff_transition_width") ?? 0.5)
        let descriptor: GeometricDescriptor
        if type == "distance_2b" {
            if let n = try args.int("n_exponents"), n != 1 { throw args.bad("n_exponents", "\(n)", "1 (the plain distance)") }
            if let e = try args.string("exponents"), !["", "1", "{1}"].contains(e.trimmingSpaces) {
                throw args.bad("exponents", e, "1 (the plain distance)")
            }
            if let t = try args.double("tail_exponent"), t != 0 { throw args.bad("tail_exponent", "\(t)", "0 (no tail)") }
            _ = try args.double("tail_range")
            for key in ["only_intra", "only_inter"] {
                if let v = try args.bool(key), v { throw args.bad(key, "T", "F (residue-restricted pairs are not supported)") }
            }
            if let r = try args.string("resid_name"), !r.isEmpty { throw args.bad("resid_name", r, "none") }
            descriptor = .distance2b(DistanceTwoBody(cutoff: shape, z1: try args.int("Z1") ?? 0, z2: try args.int("Z2") ?? 0))
        } else {
            descriptor = .angle3b(
                AngleThreeBody(
                    cutoff: shape, z: try args.int("Z", alias: "Z_center") ?? 0, z1: try args.int("Z1") ?? 0,
                    z2: try args.int("Z2") ?? 0))
        }
        do { try descriptor.validate() } catch { throw args.bad("cutoff", "\(cutoff)", "\(error)") }
        return descriptor
    }
}

extension GapFitCommandLine {
    /// A required key of a descriptor string that is absent.
    fileprivate func required(_ key: String, _ example: String) -> GapFitSyntaxError {
        .requiredKey(key: key, context: "the descriptor string", example: example)
    }
}
