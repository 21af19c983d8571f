import Atoms
import Classical
import Foundation
import GAP

/// A gap_fit command line read as a SwiftGAP fit: the training file, the potential file to write, and the fit
/// settings, with gap_fit's defaults and meanings (`default_sigma` per atom, `e0` with unlisted elements at 0,
/// `e0_offset` added to every element, `add_species` splitting terms by element, parameter names looked up
/// regardless of case). Every key is read or refused with what to use instead; keys that only shape gap_fit's
/// own output files are accepted and listed in `notes`.
public struct GapFitJob: Sendable {
    /// `at_file`: the training set.
    public let trainingFile: String
    /// `gp_file`: the potential to write.
    public let outputFile: String
    /// The command line as given.
    public let commandLine: String
    /// Settings that had no effect or were changed as gap_fit changes them, one sentence each.
    public private(set) var notes: [String] = []
    /// Per term (in `gap={…}` order), where to write its sparse indices (`print_sparse_index`).
    public let sparseIndexFiles: [String?]
    /// Per term, the `sparse_file` to read.
    public let sparseFiles: [String?]
    /// Per term (in `gap={…}` order), whether it is the SOAP term or a 2- or 3-body term.
    public let termKinds: [TermKind]

    /// The kind of a term of `gap={…}`.
    public enum TermKind: Sendable { case soap, geometric }
    /// The settings, except what needs the training set (e0 per element, sparse files).
    private var settings: FitSettings
    private let e0: GapFitSpeciesValues?
    private let e0Method: E0Mode

    /// Keys of gap_fit that only shape its own output or run; accepted, listed in `notes`.
    static let noEffect: [String: String] = [
        "do_copy_at_file": "the potential file records the training file's name and SHA-256 instead of a copy",
        "sparse_separate_file": "a .gap file holds the sparse points itself; GAP XML output always has separate sparseX files",
        "verbosity": "SwiftGAP prints progress and a summary", "openmp_chunk_size": "threads are set with --threads",
        "do_ip_timing": "stage times are always printed", "condition_number_norm": "the condition number is always reported"
    ]

    /// What to use instead of the gap_fit keys SwiftGAP does not support.
    static let hints: [String: String] = [
        "local_property0": "local-property fits are not supported", "hessian_parameter_name": "Hessian fits are not supported",
        "sigma_per_atom": "σ are always per atom (sigma_per_atom=T)",
        "kernel_regularisation_is_per_atom": "σ are always per atom (sigma_per_atom=T)",
        "sparsify_only_no_fit": "fit, then read the sparse points with print_sparse_index",
        "mpi_blocksize_rows": "SwiftGAP's fit streams the kernel rows; no block sizes are needed",
        "mpi_blocksize_cols": "SwiftGAP's fit streams the kernel rows; no block sizes are needed",
        "force_mask_parameter_name": "give every atom's forces, or leave the configuration's forces out",
        "parameter_name_prefix": "give each *_parameter_name in full"
    ]

    /// Reads `line`.
    /// - Throws: `GapFitSyntaxError` naming the key (and where), with what to use instead.
    public init(_ line: GapFitCommandLine) throws(GapFitSyntaxError) {
        var line = line
        commandLine = line.text
        var terms = [GapFitTerm](), notes = [String]()
        for spec in line.descriptors { terms.append(try GapFitTerm(spec, notes: &notes)) }
        do {
            guard let training = try line.string("atoms_filename", alias: "at_file"), !training.isEmpty else {
                throw GapFitSyntaxError.requiredKey(key: "at_file", context: "the command line", example: "at_file=train.xyz")
            }
            trainingFile = training
            guard !line.descriptors.isEmpty else {
                throw GapFitSyntaxError.requiredKey(key: "gap", context: "the command line", example: "gap={soap cutoff=5 …}")
            }
            var sigma = try line.sigmas("default_sigma")
            if sigma == nil { sigma = try line.sigmas("default_kernel_regularisation") }
            guard let sigma else {
                throw GapFitSyntaxError.requiredKey(
                    key: "default_sigma", context: "the command line", example: "default_sigma={0.001 0.05 0.05 0.0}")
            }
            var settings = FitSettings(soap: nil)
            settings.sigmas = Sigmas(energy: sigma.energy, force: sigma.force, virial: sigma.virial)
            var groups = try line.configTypeSigmas("config_type_sigma")
            if groups == nil { groups = try line.configTypeSigmas("config_type_kernel_regularisation") }
            for group in groups ?? [] {
                settings.configTypeSigmas[group.configType] = Sigmas(
                    energy: group.sigmas.energy, force: group.sigmas.force, virial: group.sigmas.virial)
            }
            settings.keys = ReferenceKeys(
                energy: try line.string("energy_parameter_name") ?? "energy",
                forces: try line.string("force_parameter_name") ?? "force",
                virial: try line.string("virial_parameter_name") ?? "virial",
                stress: try line.string("stress_parameter_name") ?? "stress",
                configType: try line.string("config_type_parameter_name") ?? "config_type")
            settings.jitter = try line.double("sparse_jitter") ?? 1e-10
            settings.e0Offset = try line.double("e0_offset") ?? 0
            if let seed = try line.int("rnd_seed"), seed >= 0 { settings.seed = UInt64(seed) }
            e0 = try line.speciesValues("e0")
            switch try line.string("e0_method")?.lowercased() {
            case nil, "isolated": e0Method = .isolated
            case "average": e0Method = .average
            case let other?: throw line.bad("e0_method", other, "isolated or average")
            }
            if e0 != nil && line.contains("e0_method") { notes.append("e0_method has no effect: e0 is given (as in gap_fit)") }
            outputFile = try line.string("gap_file", alias: "gp_file") ?? "gap_new.xml"
            let coreFile = try line.string("baseline_param_filename", alias: "core_param_file")
            if let core = try line.string("baseline_ip_args", alias: "core_ip_args") {
                settings.core = try Self.core(core, line: line)
                if coreFile != nil { notes.append("core_param_file has no effect: IP ZBL takes its parameters from core_ip_args") }
            }
            for (key, reason) in Self.noEffect
            where line.contains(key) || (key == "do_copy_at_file" && line.contains("do_copy_atoms_file")) {
                if key == "do_copy_at_file" {
                    _ = try line.string("do_copy_atoms_file", alias: "do_copy_at_file")
                } else {
                    _ = try line.string(key)
                }
                notes.append("\(key) has no effect: \(reason)")
            }
            try line.rejectUnread(hints: Self.hints)
            for term in terms {
                switch term.kind {
                case let .soap(soap, kernel, count, method):
                    guard settings.soap == nil else {
                        throw line.bad("gap", "two soap descriptors", "one soap descriptor (SwiftGAP fits one SOAP term)")
                    }
                    settings.soap = soap
                    settings.kernel = kernel
                    settings.sparseCount = count
                    settings.sparseMethod = method
                case let .geometric(term):
                    settings.terms.append(term)
                }
            }
            self.settings = settings
        }
        self.termKinds = terms.map {
            if case .soap = $0.kind { return .soap }
            return .geometric
        }
        sparseIndexFiles = terms.map(\.printSparseIndex)
        sparseFiles = terms.map(\.sparseFile)
        self.notes = notes
    }

    /// The fit settings for a training set whose elements are `elements` (in order of appearance): e0 as
    /// gap_fit sets it (`e0` for listed elements and 0 for the others, or `e0_method`), and the sparse files read.
    /// - Throws: `GapFitSparseFile.Problem` for a sparse file that cannot be read or used.
    public func settings(elements: [Int]) throws -> FitSettings {
        var settings = self.settings
        switch e0 {
        case let .all(value)?:
            settings.e0 = .explicit(Dictionary(uniqueKeysWithValues: elements.map { ($0, value) }))
        case let .bySpecies(values)?:
            var byElement = Dictionary(uniqueKeysWithValues: elements.map { ($0, 0.0) })
            for v in values { byElement[v.atomicNumber] = v.value }
            settings.e0 = .explicit(byElement)
        case nil:
            settings.e0 = e0Method
        }
        var geometric = 0
        for (term, file) in zip(termKinds, sparseFiles) {
            switch term {
            case .soap:
                guard let file else { continue }
                guard elements.count == 1, let z = elements.first else {
                    throw GapFitSparseFile.Problem.unreadable(
                        path: file,
                        reason: "index files are read for single-element training sets only; use SwiftGAP's fit --sparse-file")
                }
                settings.sparseIndices = [z: try GapFitSparseFile.indices(file)]
            case .geometric:
                if let file {
                    let d = settings.terms[geometric].descriptor.dimension
                    settings.terms[geometric].givenPoints = try GapFitSparseFile.points(file, dimension: d)
                }
                geometric += 1
            }
        }
        return settings
    }

    /// The 2- and 3-body terms of a descriptor string in gap_fit's syntax (`distance_2b cutoff=5 … : angle_3b …`,
    /// what goes inside `gap={…}`), for `swiftgap fit --gap`; a `soap` descriptor is refused (`fit` sets SOAP with
    /// its own options). Returns the terms and notes as `init` gives them.
    /// - Throws: `GapFitSyntaxError` naming the key and where.
    public static func geometricTerms(in text: String) throws(GapFitSyntaxError) -> (
        terms: [GeometricTermSettings], notes: [String]
    ) {
        let line = try GapFitCommandLine(text: "gap={\(text)}")
        var notes = [String](), terms = [GeometricTermSettings]()
        for spec in line.descriptors {
            let term = try GapFitTerm(spec, notes: &notes)
            guard case let .geometric(settings) = term.kind, term.sparseFile == nil, term.printSparseIndex == nil else {
                throw .unsupportedKey(
                    key: spec.typeSpelling,
                    hint: "--gap takes distance_2b and angle_3b terms without sparse files; set SOAP with --cutoff, --n-max, … "
                        + "or run the whole gap_fit command line with swiftgap gap_fit",
                    at: spec.parameters.location(spec.offset))
            }
            terms.append(settings)
        }
        return (terms, notes)
    }

    /// The core potential of `core_ip_args`: QUIP's `IP ZBL cutoff=… cutoff_width=…` (its other parameters at
    /// their defaults); any other IP is refused with what SwiftGAP offers instead.
    /// - Throws: `GapFitSyntaxError.badValue` at `core_ip_args`, naming what is wrong.
    static func core(_ text: String, line: GapFitCommandLine) throws(GapFitSyntaxError) -> CorePotential {
        func refuse(_ expected: String) -> GapFitSyntaxError { line.bad("core_ip_args", text, expected) }
        var args = try GapFitCommandLine(text: text)
        let bare = args.parameters.entries.filter { $0.value == nil }
        let words = bare.map(\.key)
        guard words.count >= 2, words[0] == "ip" else {
            throw refuse("an interatomic potential such as {IP ZBL cutoff=2.5 cutoff_width=0.5}")
        }
        guard words[1] == "zbl", words.count == 2 else {
            throw refuse(
                "IP ZBL (cutoff=… cutoff_width=…): SwiftGAP's core potentials are ZBL and tabulated pairs "
                    + "(swiftgap fit --core-table); IP \(bare.dropFirst().map(\.spelling).joined(separator: " ")) is not supported")
        }
        for word in words { _ = try args.bool(word) }
        for (key, standard) in [("e_scale", 1.0), ("a_pre_exp", 0.46850), ("a_exp", 0.23)] {
            if let value = try args.double(key), value != standard { throw refuse("\(key)=\(standard) (QUIP's default)") }
        }
        if let shift = try args.bool("shift_cutoff"), shift { throw refuse("shift_cutoff=F (QUIP's default)") }
        guard let cutoff = try args.double("cutoff"), cutoff > 0 else {
            throw refuse("a cutoff > 0 (QUIP's IP ZBL with cutoff=0 takes every neighbor gap_fit lists; give the cutoff you mean)")
        }
        let width = try args.double("cutoff_width") ?? 0
        try args.rejectUnread(hints: [:])
        do { return .zbl(try ZBLPotential(quipCutoff: cutoff, width: width)) } catch { throw refuse("\(error)") }
    }
}
