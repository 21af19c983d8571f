import Atoms
import Descriptors
import GAP

/// One descriptor of `gap={…}` read as a term of a SwiftGAP model: the SOAP term (with its kernel and sparse
/// settings) or a 2- or 3-body term, as gap_fit defines them. Every key is read or refused.
struct GapFitTerm: Equatable {
    /// What the term is.
    enum Kind: Equatable {
        /// The SOAP term: descriptor settings, dot-product kernel, sparse points per element and their choice.
        case soap(SOAPSettings, PolynomialKernel, sparseCount: Int, method: SparseMethod)
        /// A `distance_2b` or `angle_3b` term.
        case geometric(GeometricTermSettings)
    }

    /// The term.
    let kind: Kind
    /// `sparse_file`: indices (SOAP, `index_file`) or points (2- and 3-body, `file`) to read.
    let sparseFile: String?
    /// `print_sparse_index`: where to write the chosen sparse points' indices.
    let printSparseIndex: String?

    /// Reads `spec`; `notes` collects element settings that gap_fit's add_species overrides.
    /// - Throws: `GapFitSyntaxError` naming the key, with what to use instead.
    init(_ spec: GapFitDescriptorSpec, notes: inout [String]) throws(GapFitSyntaxError) {
        var spec = spec
        sparseFile = try spec.string("sparse_file")
        printSparseIndex = try spec.string("print_sparse_index")
        kind = try Self.read(&spec, sparseFile: sparseFile, notes: &notes)
        try spec.rejectUnread(hints: Self.hints)
    }

    /// What to use instead of keys SwiftGAP does not support.
    static let hints: [String: String] = [
        "theta_file": "give one length scale for every dimension with theta_uniform=…",
        "config_type_n_sparse": "give n_sparse=… for the whole term",
        "tail_exponent": "distance_2b tails are not supported; fit without tail_range/tail_exponent",
        "resid_name": "residue-restricted pairs are not supported", "only_intra": "residue-restricted pairs are not supported",
        "only_inter": "residue-restricted pairs are not supported",
        "exponents": "only the plain distance (exponents=1) is supported",
        "n_exponents": "only the plain distance (n_exponents=1) is supported",
        "average": "GAP terms need one SOAP vector per atom (average=F)",
        "radial_basis": "SwiftGAP's QUIP SOAP uses gap_fit's default radial basis"
    ]

    private static func read(
        _ spec: inout GapFitDescriptorSpec, sparseFile: String?, notes: inout [String]
    ) throws(GapFitSyntaxError) -> Kind {
        let delta = try spec.double("delta", alias: "energy_scale")
        if let f0 = try spec.double("f0"), f0 != 0 {
            throw spec.bad("f0", "\(f0)", "0 (a constant offset per instance is not supported)")
        }
        let nSparse = try spec.int("n_sparse")
        if let nSparse, nSparse > FitSettings.maximumSparseCount {
            throw spec.bad(
                "n_sparse", "\(nSparse)", "at most \(FitSettings.maximumSparseCount) (the most a potential file holds)")
        }
        let method = try spec.string("sparse_method")?.lowercased()
        let addSpecies = try spec.bool("add_species") ?? true
        let covariance = try spec.string("covariance_type")?.lowercased()
        for key in ["unique_hash_tolerance", "unique_descriptor_tolerance"] {
            if let value = try spec.double(key), value != 1e-10 { throw spec.bad(key, "\(value)", "1e-10 (gap_fit's default)") }
        }
        guard let delta else { throw spec.missing("delta", example: "delta=1.0") }
        guard delta > 0, delta.isFinite else { throw spec.bad("delta", "\(delta)", "a positive number") }
        switch spec.type {
        case "soap":
            guard covariance == "dot_product" else {
                throw spec.bad("covariance_type", covariance ?? "(none)", "dot_product for a soap term")
            }
            let zeta = try spec.double("zeta", alias: "soap_exponent") ?? 1
            let settings = try soapSettings(&spec)
            let sparse: SparseMethod
            switch method ?? "random" {
            case "cur_points": sparse = .cur
            case "random": sparse = .random
            case "index_file":
                guard sparseFile != nil else { throw spec.missing("sparse_file", example: "sparse_file=sparse_indices.txt") }
                sparse = .indices([])
            default:
                throw spec.bad("sparse_method", method ?? "", "cur_points, random or index_file for a soap term")
            }
            guard let count = nSparse ?? (sparse == .indices([]) ? 0 : nil) else {
                throw spec.missing("n_sparse", example: "n_sparse=1000")
            }
            return .soap(settings, PolynomialKernel(delta: delta, zeta: zeta), sparseCount: count, method: sparse)
        case "distance_2b", "angle_3b":
            guard covariance == "ard_se" || covariance == "gaussian" else {
                throw spec.bad("covariance_type", covariance ?? "(none)", "ard_se for a \(spec.type) term")
            }
            guard let cutoff = try spec.double("cutoff") else { throw spec.missing("cutoff", example: "cutoff=5.0") }
            let width = try spec.double("cutoff_transition_width") ?? 0.5
            let shape = CosineCutoff(cutoff: cutoff, width: width)
            var elements: [Int]
            let descriptor: GeometricDescriptor
            if spec.type == "distance_2b" {
                elements = [try spec.int("Z1") ?? 0, try spec.int("Z2") ?? 0]
                if let n = try spec.int("n_exponents"), n != 1 { throw spec.bad("n_exponents", "\(n)", "1") }
                if let e = try spec.string("exponents"), e.trimmingSpaces != "1" { throw spec.bad("exponents", e, "1") }
                descriptor = .distance2b(DistanceTwoBody(cutoff: shape, z1: elements[0], z2: elements[1]))
            } else {
                elements = [try spec.int("Z", alias: "Z_center") ?? 0, try spec.int("Z1") ?? 0, try spec.int("Z2") ?? 0]
                descriptor = .angle3b(AngleThreeBody(cutoff: shape, z: elements[0], z1: elements[1], z2: elements[2]))
            }
            var term = GeometricTermSettings(
                descriptor: descriptor, kernel: SquaredExponentialKernel(delta: delta, theta: []), sparseCount: nSparse ?? 0,
                addSpecies: addSpecies)
            if addSpecies && elements.contains(where: { $0 != 0 }) {
                // gap_fit appends one Z1/Z2 (or Z, Z1, Z2) per element combination after the user's own, so theirs
                // never take effect; the same model comes from clearing them.
                notes.append(
                    "\(spec.type): the elements given are overridden by add_species=T, as in gap_fit (add_species=F keeps them)")
                term.descriptor = clearingElements(descriptor)
            }
            let theta = try spec.double("theta_uniform", alias: "lengthscale_uniform")
            let factor = try spec.doubleList("theta_fac", alias: "lengthscale_factor")
            switch (theta, factor) {
            case let (theta?, nil):
                guard theta > 0, theta.isFinite else { throw spec.bad("theta_uniform", "\(theta)", "a positive length in Å") }
                term.kernel = SquaredExponentialKernel(delta: delta, theta: [Double](repeating: theta, count: descriptor.dimension))
            case let (nil, factor?):
                guard factor.count == 1 || factor.count == descriptor.dimension, factor.allSatisfy({ $0 > 0 }) else {
                    throw spec.bad(
                        "theta_fac", factor.map { "\($0)" }.joined(separator: " "),
                        "one positive factor or \(descriptor.dimension) (one per dimension)")
                }
                term.thetaFactor = factor
            case (_?, _?):
                throw spec.bad("theta_fac", "(with theta_uniform)", "theta_uniform or theta_fac, not both")
            case (nil, nil):
                throw spec.missing("theta_uniform", example: "theta_uniform=1.0 (or theta_fac=0.5)")
            }
            switch method ?? "random" {
            case "uniform": term.sparseMethod = .uniform
            case "random": term.sparseMethod = .random
            case "cur_points": term.sparseMethod = .cur
            case "file":
                guard sparseFile != nil else { throw spec.missing("sparse_file", example: "sparse_file=points.txt") }
                term.sparseMethod = .indices([])
            default:
                throw spec.bad("sparse_method", method ?? "", "uniform, random, cur_points or file for a \(spec.type) term")
            }
            guard term.sparseMethod == .indices([]) || term.sparseCount >= 1 else {
                throw spec.missing("n_sparse", example: "n_sparse=20")
            }
            return .geometric(term)
        default:
            throw .unsupportedKey(
                key: spec.typeSpelling,
                hint: "SwiftGAP fits soap, distance_2b and angle_3b terms; express the model with those",
                at: spec.parameters.location(spec.offset))
        }
    }

    /// The descriptor with every element setting cleared (0: any).
    private static func clearingElements(_ d: GeometricDescriptor) -> GeometricDescriptor {
        switch d {
        case let .distance2b(x): .distance2b(DistanceTwoBody(cutoff: x.cutoff))
        case let .angle3b(x): .angle3b(AngleThreeBody(cutoff: x.cutoff))
        }
    }

    /// The SOAP descriptor keys of `spec` (gap_fit's names and defaults); keys whose non-default values
    /// SwiftGAP does not implement are refused.
    private static func soapSettings(_ spec: inout GapFitDescriptorSpec) throws(GapFitSyntaxError) -> SOAPSettings {
        guard let cutoff = try spec.double("cutoff") else { throw spec.missing("cutoff", example: "cutoff=5.0") }
        guard let nMax = try spec.int("n_max") else { throw spec.missing("n_max", example: "n_max=8") }
        guard let lMax = try spec.int("l_max") else { throw spec.missing("l_max", example: "l_max=8") }
        guard let sigma = try spec.double("atom_sigma", alias: "atom_gaussian_width") else {
            throw spec.missing("atom_sigma", example: "atom_sigma=0.5")
        }
        let width = try spec.double("cutoff_transition_width") ?? 0.5
        let central = try spec.double("central_weight") ?? 1
        if let normalise = try spec.bool("normalise", alias: "normalize"), !normalise {
            throw spec.bad("normalise", "F", "T (GAP's SOAP kernel needs normalised vectors)")
        }
        for (key, standard) in [("cutoff_dexp", 0.0), ("cutoff_scale", 1.0), ("cutoff_rate", 1.0), ("covariance_sigma0", 0.0)] {
            if let value = try spec.double(key), value != standard {
                throw spec.bad(key, "\(value)", "\(standard) (gap_fit's default)")
            }
        }
        let allSpecies = try spec.bool("central_reference_all_species") ?? false
        for key in ["average", "diagonal_radial"] {
            if let value = try spec.bool(key), value { throw spec.bad(key, "T", "F (gap_fit's default)") }
        }
        for key in ["n_species", "n_z", "xml_version", "basis_error_exponent"] { _ = try spec.string(key) }
        let species = try spec.intList("species_Z") ?? []
        if try spec.intList("Z") != nil {
            throw .unsupportedKey(
                key: "Z", hint: "SwiftGAP's SOAP term covers every element of the training set (gap_fit's add_species=T)",
                at: spec.parameters.location(spec.offset))
        }
        return SOAPSettings(
            cutoff: cutoff, cutoffTransitionWidth: width, nMax: nMax, lMax: lMax, atomSigma: sigma, centralWeight: central,
            speciesZ: species, centralReferenceAllSpecies: allSpecies)
    }
}

extension GapFitKeyValues {
    /// `badValue` for `key` of this list (at its entry, or at the start when absent).
    func bad(_ key: String, _ value: String, _ expected: String) -> GapFitSyntaxError {
        let entry = parameters.entries.first { $0.key == key.lowercased() }
        return .badValue(key: entry?.spelling ?? key, value: value, expected: expected, at: parameters.location(entry?.offset ?? 0))
    }
}

extension GapFitDescriptorSpec {
    /// A missing required key of this descriptor.
    func missing(_ key: String, example: String) -> GapFitSyntaxError {
        .requiredKey(key: key, context: "the \(typeSpelling) descriptor at \(parameters.location(offset))", example: example)
    }
}
