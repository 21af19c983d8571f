import Archive
import ArgumentParser
import Atoms
import Descriptors
import Foundation
import Support

/// `swiftgap describe FILE -o OUT.npz`: descriptors (and derivatives) of every structure in a file, as a NumPy
/// archive — SOAP and the Coulomb matrix from options, any descriptor from DScribe-named JSON settings; local
/// rows optionally pooled per structure and their centers sampled.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Compute descriptors (optionally with derivatives) into an .npz file.",
        discussion: """
            SOAP and the Coulomb matrix take the options below; every descriptor (soap, coulomb_matrix and the
            others DScribe users know) takes --settings with DScribe's names, e.g.
            --settings '{"kind": "soap", "species": ["H", "O"], "r_cut": 5, "n_max": 8, "l_max": 6, "sigma": 0.5}'
            or --settings @settings.json. Local rows (one per center) can be pooled into one row per structure
            (--pooling average|max|weighted) and their centers sampled at random (--sample-count or
            --sample-fraction, with --seed).
            The archive holds: descriptors float64 [rows, D]; structure int64 [rows] (index of the structure in
            the file); center int64 [rows] (atom index, −1 for averaged rows); with --derivatives: gradients
            float64 [blocks, 3, D] (∂ descriptor row / ∂ position of atom), gradient_row and gradient_atom int64
            [blocks]; settings: the settings as JSON text (bytes(npz["settings"]).decode()). Pooled rows have
            center −1.
            Periodicity follows each structure's pbc.
            """)

    /// The descriptor to compute.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case soap
        case coulombMatrix = "coulomb-matrix"
    }

    /// How center rows are pooled.
    enum PoolingName: String, ExpressibleByArgument, CaseIterable {
        case average, max, weighted
    }

    /// The Coulomb matrix ordering, by DScribe's names.
    enum Permutation: String, ExpressibleByArgument, CaseIterable {
        case none
        case sortedL2 = "sorted_l2"
        case eigenspectrum
        case random
    }

    @Argument(help: "extxyz or xyz file.")
    var file: String

    @Option(help: "The descriptor configured by options (default soap); other descriptors take --settings.")
    var descriptor: Kind?

    @Option(
        help: "Descriptor settings as JSON with DScribe's names and a \"kind\" (soap, coulomb_matrix, …), or @FILE.json.")
    var settings: String?

    @Option(help: "Pool each structure's center rows into one row: average, max or weighted (by --site-weights).")
    var pooling: PoolingName?

    @Option(help: "Per-atom real column of the file whose values weight the centers for --pooling weighted.")
    var siteWeights: String?

    @Option(help: "Describe this many randomly chosen centers per structure (all when it has fewer; see --seed).")
    var sampleCount: Int?

    @Option(help: "Describe this fraction of each structure's centers, chosen at random (see --seed).")
    var sampleFraction: Double?

    @Option(name: [.short, .long], help: "Output .npz file (written atomically).")
    var output: String

    @Option(help: "SOAP definition (default quip).")
    var layout: SOAP.Layout?

    @Option(
        help:
            "Species, as symbols or atomic numbers (default: those in the file; DScribe sorts them, QUIP keeps first appearance).",
        transform: DescribeCommand.parseElements)
    var species: [Int]?

    @OptionGroup var soapOptions: SOAPOptions

    @Option(
        help: "Weight of the center atom's own density (QUIP central_weight, default 1; DScribe w0, default w(0) of the weighting)."
    )
    var centralWeight: Double?

    @Option(help: "Only atoms of this element are centers (QUIP's Z).", transform: DescribeCommand.parseElement)
    var centerSpecies: Int?

    @Option(
        help: "DScribe weighting, e.g. poly:r0=4,c=1,m=2 or pow:r0=2,c=1,d=1,m=3 or exp:r0=1,c=1,d=1.",
        transform: DescribeCommand.parseWeighting)
    var weighting: SOAP.Weighting?

    @Option(
        help:
            "DScribe species_weighting: the weight of each species' densities, e.g. H=0.5,O=2 (species not given weigh 1).",
        transform: DescribeCommand.parseSpeciesWeights)
    var speciesWeights: [Int: Double]?

    @Option(help: "Averaging over centers (QUIP supports inner).")
    var average: SOAP.Averaging = .off

    @Option(
        help:
            "DScribe compression: off, crossover (same-species blocks only), mu2 (every species in one channel) or mu1nu1 (each species against the sum of all)."
    )
    var compression: SOAP.Compression = .off

    @Option(help: "Center atoms of every structure, e.g. 0,3,7 (default: all; SOAP only).", transform: DescribeCommand.parseCenters)
    var centers: [Int]?

    @Flag(help: "Also compute derivatives with respect to atom positions.")
    var derivatives = false

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = Parallel.defaultThreads

    @Option(help: "Coulomb matrix size (default: the largest structure).")
    var nAtomsMax: Int?

    @Option(help: "Coulomb matrix ordering.")
    var permutation: Permutation = .sortedL2

    @Option(help: "Noise width for --permutation random.")
    var permutationSigma: Double = 0.1

    @Option(help: "Seed of random choices (center sampling, random permutation).")
    var seed: UInt64 = 0

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        try validateAggregation()
        if settings != nil {
            if let given = optionsBesideSettings.first {
                throw ValidationError("\(given) configures SOAP or the Coulomb matrix; with --settings, give it in the JSON")
            }
            return
        }
        let layout = layout ?? .quip
        switch descriptor ?? .soap {
        case .soap:
            if layout == .dscribe, centerSpecies != nil {
                throw ValidationError("--center-species is a QUIP option; use --centers with --layout dscribe")
            }
            if layout == .quip, weighting != nil || compression != .off || speciesWeights != nil {
                throw ValidationError("--weighting, --compression and --species-weights are DScribe options; add --layout dscribe")
            }
            if layout == .quip, average == .outer {
                throw ValidationError("QUIP averages the density (--average inner); outer averaging is a DScribe option")
            }
        case .coulombMatrix:
            if centers != nil { throw ValidationError("--centers is a SOAP option; the Coulomb matrix describes whole structures") }
            if let nAtomsMax, nAtomsMax < 1 { throw ValidationError("--n-atoms-max must be at least 1") }
            if !(permutationSigma >= 0 && permutationSigma.isFinite) {
                throw ValidationError("--permutation-sigma must be a finite width ≥ 0")
            }
        }
    }

    /// Pooling and sampling options that contradict each other or are out of range.
    private func validateAggregation() throws {
        if sampleCount != nil, sampleFraction != nil {
            throw ValidationError("give --sample-count or --sample-fraction, not both")
        }
        if pooling == .weighted, siteWeights == nil {
            throw ValidationError("--pooling weighted needs --site-weights COLUMN (a per-atom real column of the file)")
        }
        if siteWeights != nil, pooling != .weighted { throw ValidationError("--site-weights goes with --pooling weighted") }
        do { _ = try sampling() } catch { throw ValidationError("\(error)") }
    }

    /// The center sampling the options ask for.
    private func sampling() throws(DescriptorError) -> CenterSampling? {
        if let sampleCount { return try CenterSampling(.count(sampleCount), seed: seed) }
        if let sampleFraction { return try CenterSampling(.fraction(sampleFraction), seed: seed) }
        return nil
    }

    /// The SOAP and Coulomb-matrix options given beside --settings (those left at their defaults are not listed).
    private var optionsBesideSettings: [String] {
        let defaults = try? SOAPOptions.parse([])
        let soapChanged =
            defaults.map {
                ($0.cutoff, $0.cutoffWidth, $0.nMax, $0.lMax, $0.atomSigma)
                    != (soapOptions.cutoff, soapOptions.cutoffWidth, soapOptions.nMax, soapOptions.lMax, soapOptions.atomSigma)
            } ?? false
        let given: [(String, Bool)] = [
            ("--descriptor", descriptor != nil), ("--layout", layout != nil), ("--species", species != nil),
            ("--cutoff/--cutoff-width/--n-max/--l-max/--atom-sigma", soapChanged), ("--central-weight", centralWeight != nil),
            ("--center-species", centerSpecies != nil), ("--weighting", weighting != nil), ("--average", average != .off),
            ("--compression", compression != .off), ("--species-weights", speciesWeights != nil),
            ("--n-atoms-max", nAtomsMax != nil),
            ("--permutation", permutation != .sortedL2),
            ("--permutation-sigma", permutationSigma != 0.1)
        ]
        return given.filter(\.1).map(\.0)
    }

    func run() throws {
        try OutputPaths(files: [("-o", output)], inputs: [("the input file", file)]).check()
        let structures = try ExtXYZReader.read(path: file)
        guard !structures.isEmpty else { throw ValidationError("\(file) holds no structures") }
        let (base, baseSettings, batch) = try makeDescriptor(structures)
        var settings = baseSettings
        let (descriptor, sampling) = try aggregated(base, settings: &settings)
        var archive = NPZWriter()
        try compute(descriptor, structures, sampling: sampling, batch: batch, archive: &archive)
        var json = settings
        json["file"] = file
        archive.add("settings", text: try JSONFile.text(json))
        try archive.write(to: output)
        print("wrote \(output)")
    }

    /// `base` pooled as the options ask, and the sampling of its centers; the choices are added to `settings`.
    private func aggregated(_ base: any Descriptor, settings: inout [String: String]) throws
        -> (descriptor: any Descriptor, sampling: CenterSampling?)
    {
        let sampling = try sampling()
        let pool: Pooling?
        switch pooling {
        case nil: pool = nil
        case .average: pool = .average
        case .max: pool = .max
        case .weighted: pool = .siteWeighted(array: siteWeights ?? "")
        }
        if let pooling { settings["pooling"] = pooling.rawValue }
        if let siteWeights { settings["site_weights"] = siteWeights }
        if let sampleCount { settings["sample_count"] = "\(sampleCount)" }
        if let sampleFraction { settings["sample_fraction"] = "\(sampleFraction)" }
        if sampling != nil { settings["seed"] = "\(seed)" }
        var descriptor = base
        if let pool {
            guard !(base is PooledDescriptor) else {
                throw ValidationError("the settings pool already (their \"pooling\"); drop --pooling or that key")
            }
            descriptor = try PooledDescriptor(base, pooling: pool)
        }
        // A pooled descriptor's centers are its local base's.
        if sampling != nil, !(descriptor.isLocal || descriptor is PooledDescriptor) {
            throw ValidationError(
                "--sample-count and --sample-fraction need a local descriptor (one row per center, no averaging)")
        }
        return (descriptor, sampling)
    }

    /// The descriptor the options ask for, the settings recorded in the archive, and the batch size
    /// (structures per progress step; the Coulomb matrix's random noise follows the index in the batch).
    private func makeDescriptor(_ structures: [Structure]) throws -> (any Descriptor, settings: [String: String], batch: Int) {
        if let settings {
            let json = try settingsText(settings)
            return (try DescriptorSettings.descriptor(json: json), ["settings": json], 64)
        }
        switch descriptor ?? .soap {
        case .soap:
            let soap = try makeSOAP(structures)
            var settings = [
                "descriptor": "soap", "layout": soap.layout.rawValue,
                "species": soap.species.map(String.init).joined(separator: ","),
                "cutoff": "\(soapOptions.cutoff)", "cutoff_width": "\(soapOptions.cutoffWidth)", "n_max": "\(soapOptions.nMax)",
                "l_max": "\(soapOptions.lMax)", "atom_sigma": "\(soapOptions.atomSigma)", "average": average.rawValue,
                "compression": soap.compression.rawValue, "n_features": "\(soap.numberOfFeatures)"
            ]
            if let weighting { settings["weighting"] = "\(weighting)" }
            if let centralWeight { settings["central_weight"] = "\(centralWeight)" }
            if let centerSpecies { settings["center_species"] = "\(centerSpecies)" }
            if !soap.speciesWeights.isEmpty {
                settings["species_weights"] = soap.speciesWeights.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: ",")
            }
            return (soap, settings, 64)
        case .coulombMatrix:
            let ordering: CoulombMatrix.Permutation
            switch permutation {
            case .none: ordering = .none
            case .sortedL2: ordering = .sortedL2
            case .eigenspectrum: ordering = .eigenspectrum
            case .random: ordering = .random(sigma: permutationSigma, seed: seed)
            }
            let cm = try CoulombMatrix(nAtomsMax: nAtomsMax ?? structures.map(\.count).max() ?? 1, permutation: ordering)
            let settings = ["descriptor": "coulomb-matrix", "n_atoms_max": "\(cm.nAtomsMax)", "permutation": permutation.rawValue]
            return (cm, settings, 256)
        }
    }

    /// Computes `descriptor` over batches of structures (for progress) and adds the arrays to the archive; with
    /// `sampling`, at centers drawn once for the whole file (structure k from the seed and k, as the Python
    /// package's `sample_centers` draws them, whatever the batches).
    private func compute(
        _ descriptor: any Descriptor, _ structures: [Structure], sampling: CenterSampling?, batch size: Int,
        archive: inout NPZWriter
    ) throws {
        let D = descriptor.numberOfFeatures
        let progress = Progress("descriptors", total: structures.count)
        var values = [Double](), structure = [Int](), center = [Int]()
        var gradients = [Double](), gradientRow = [Int](), gradientAtom = [Int]()
        let given = centers.map { [[Int]](repeating: $0, count: structures.count) }
        let chosen = sampling.map { $0.centers(structures, given: given) } ?? given
        for start in stride(from: 0, to: structures.count, by: size) {
            let end = min(start + size, structures.count)
            let batch = Array(structures[start..<end])
            let batchCenters = chosen.map { Array($0[start..<end]) }
            let q: DescriptorRows
            if derivatives {
                let d: SparseDerivatives
                (q, d) = try descriptor.derivatives(batch, centers: batchCenters, threads: threads)
                // The archive keeps dense 3 × D blocks, whatever the storage in memory.
                for k in 0..<d.count { gradients += d.block(k) }
                gradientRow += d.row.map { $0 + structure.count }
                gradientAtom += d.atom
            } else {
                q = try descriptor.create(batch, centers: batchCenters, threads: threads)
            }
            values += q.values
            structure += q.structure.map { $0 + start }
            center += q.center
            progress.update(end)
        }
        archive.add("descriptors", values, shape: [structure.count, D])
        archive.add("structure", structure, shape: [structure.count])
        archive.add("center", center, shape: [center.count])
        if derivatives {
            archive.add("gradients", gradients, shape: [gradientRow.count, 3, D])
            archive.add("gradient_row", gradientRow, shape: [gradientRow.count])
            archive.add("gradient_atom", gradientAtom, shape: [gradientAtom.count])
        }
    }

    /// The JSON of --settings: the text itself, or the contents of the file after `@`.
    private func settingsText(_ option: String) throws -> String {
        guard option.hasPrefix("@") else { return option }
        let path = String(option.dropFirst())
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("--settings \(option): cannot read \(path) (\(error.localizedDescription))")
        }
    }

    private func makeSOAP(_ structures: [Structure]) throws -> SOAP {
        var present = [Int]()
        for s in structures { for z in s.atomicNumbers where !present.contains(z) { present.append(z) } }
        let speciesList = species ?? present
        let o = soapOptions
        switch layout ?? .quip {
        case .dscribe:
            return try SOAP.dscribe(
                species: speciesList, cutoff: o.cutoff, nMax: o.nMax, lMax: o.lMax, atomSigma: o.atomSigma,
                weighting: weighting, centerWeight: centralWeight, average: average, compression: compression,
                speciesWeights: speciesWeights ?? [:], periodic: true)
        case .quip:
            return try SOAP.quip(
                cutoff: o.cutoff, cutoffTransitionWidth: o.cutoffWidth, nMax: o.nMax, lMax: o.lMax, atomSigma: o.atomSigma,
                centralWeight: centralWeight ?? 1, speciesZ: speciesList, centerSpecies: centerSpecies,
                average: average == .inner)
        }
    }

    private static func parseElement(_ text: String) throws -> Int {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let z = Int(t), Element.symbol(z) != nil { return z }
        guard let z = Element.atomicNumber(t) else { throw ValidationError("'\(t)' is not an element symbol or atomic number") }
        return z
    }

    private static func parseElements(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map { try parseElement(String($0)) }
    }

    private static func parseCenters(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map { part -> Int in
            guard let k = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--centers must be comma-separated atom indices, found '\(part)'")
            }
            return k
        }
    }

    /// The `key=number` items of a comma-separated list, in order; `bad` is the message for an item that is not one.
    private static func numberPairs(
        _ text: some StringProtocol, bad: (Substring) -> String
    ) throws -> [(key: String, value: Double)] {
        try text.split(separator: ",").map { item in
            let kv = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let value = Double(kv[1]) else { throw ValidationError(bad(Substring(item))) }
            return (kv[0], value)
        }
    }

    /// `Z=w,…` (symbols or atomic numbers), each species once, each weight finite.
    private static func parseSpeciesWeights(_ text: String) throws -> [Int: Double] {
        func bad(_ item: Substring) -> String {
            "--species-weights: '\(item)' is not SPECIES=WEIGHT with a finite weight, e.g. H=0.5"
        }
        var out = [Int: Double]()
        for (key, w) in try numberPairs(text, bad: bad) {
            guard w.isFinite else { throw ValidationError(bad("\(key)=\(w)")) }
            let z = try parseElement(key)
            guard out[z] == nil else { throw ValidationError("--species-weights: \(key) is given twice") }
            out[z] = w
        }
        return out
    }

    /// `FUNCTION:key=number,…`, each parameter once.
    private static func parseWeighting(_ text: String) throws -> SOAP.Weighting {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        var values = [String: Double]()
        for (key, v) in try numberPairs(parts.count > 1 ? parts[1] : "", bad: { "--weighting: bad parameter '\($0)'" }) {
            guard values.updateValue(v, forKey: key) == nil else { throw ValidationError("--weighting: \(key) is given twice") }
        }
        do {
            return try SOAP.Weighting(function: parts.first ?? "", parameters: values)
        } catch {
            throw ValidationError("--weighting \(text): \(error)")
        }
    }
}

extension SOAP.Layout: ExpressibleByArgument {}
extension SOAP.Averaging: ExpressibleByArgument {}
extension SOAP.Compression: ExpressibleByArgument {}
