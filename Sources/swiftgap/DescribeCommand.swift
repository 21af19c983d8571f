import Archive
import ArgumentParser
import Atoms
import Descriptors
import Foundation
import Support

/// `swiftgap describe FILE -o OUT.npz`: SOAP or Coulomb-matrix descriptors (and derivatives) of every
/// structure in a file, as a NumPy archive.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Compute SOAP or Coulomb-matrix descriptors (optionally with derivatives) into an .npz file.",
        discussion: """
        The archive holds: descriptors float64 [rows, D]; structure int64 [rows] (index of the structure in
        the file); center int64 [rows] (atom index, −1 for averaged rows); with --derivatives: gradients
        float64 [blocks, 3, D] (∂ descriptor row / ∂ position of atom), gradient_row and gradient_atom int64
        [blocks]; settings: the settings as JSON text (bytes(npz["settings"]).decode()).
        Periodicity follows each structure's pbc.
        """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case soap
        case coulombMatrix = "coulomb-matrix"
    }

    @Argument(help: "extxyz or xyz file.")
    var file: String

    @Option(help: "soap or coulomb-matrix.")
    var descriptor: Kind = .soap

    @Option(name: [.short, .long], help: "Output .npz file (written atomically).")
    var output: String

    @Option(help: "SOAP definition: dscribe or quip.")
    var layout: SOAP.Layout = .quip

    @Option(help: "Species, as symbols or atomic numbers (default: those in the file; DScribe sorts them, QUIP keeps first appearance).")
    var species: String?

    @Option(help: "Cutoff radius in Å (DScribe's r_cut).")
    var cutoff: Double = 5

    @Option(help: "QUIP cutoff transition width in Å.")
    var cutoffWidth: Double = 0.5

    @Option(help: "Radial basis functions per l.")
    var nMax: Int = 8

    @Option(help: "Largest spherical-harmonic degree (≤ 20).")
    var lMax: Int = 6

    @Option(help: "Gaussian width of the atomic densities in Å (DScribe's sigma).")
    var atomSigma: Double = 0.5

    @Option(help: "Weight of the center atom's own density (QUIP central_weight, DScribe w0).")
    var centralWeight: Double?

    @Option(help: "Only atoms of this element are centers (QUIP's Z).")
    var centerSpecies: String?

    @Option(help: "DScribe weighting, e.g. poly:r0=4,c=1,m=2 or pow:r0=2,c=1,d=1,m=3 or exp:r0=1,c=1,d=1.")
    var weighting: String?

    @Option(help: "Averaging over centers: off, inner or outer (QUIP supports inner).")
    var average: SOAP.Averaging = .off

    @Flag(help: "DScribe crossover compression: only same-species blocks.")
    var crossover = false

    @Option(help: "Center atoms of every structure, e.g. 0,3,7 (default: all).")
    var centers: String?

    @Flag(help: "Also compute derivatives with respect to atom positions.")
    var derivatives = false

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = Parallel.defaultThreads

    @Option(help: "Coulomb matrix size (default: the largest structure).")
    var nAtomsMax: Int?

    @Option(help: "Coulomb matrix ordering: none, sorted_l2, eigenspectrum or random.")
    var permutation: String = "sorted_l2"

    @Option(help: "Noise width for --permutation random.")
    var permutationSigma: Double = 0.1

    @Option(help: "Seed of random choices.")
    var seed: UInt64 = 0

    func run() throws {
        let structures = try ExtXYZReader.read(path: file)
        guard !structures.isEmpty else { throw ValidationError("\(file) holds no structures") }
        let centerList = try centers.map { text in
            try text.split(separator: ",").map { part -> Int in
                guard let k = Int(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--centers must be comma-separated atom indices, found '\(part)'")
                }
                return k
            }
        }
        var archive = NPZWriter()
        let settings: [String: String]
        switch descriptor {
        case .soap:
            let soap = try makeSOAP(structures)
            settings = soapSettings(soap)
            try compute(structures, batch: 64, archive: &archive, featureCount: soap.numberOfFeatures) { batch in
                let centers = centerList.map { [[Int]](repeating: $0, count: batch.count) }
                if derivatives {
                    let (q, d) = try soap.derivatives(batch, centers: centers, threads: threads)
                    return (q, d)
                }
                return (try soap.create(batch, centers: centers, threads: threads), nil)
            }
        case .coulombMatrix:
            let cm = try CoulombMatrix(nAtomsMax: nAtomsMax ?? structures.map(\.count).max() ?? 1,
                                       permutation: try parsePermutation())
            settings = ["descriptor": "coulomb-matrix", "n_atoms_max": "\(cm.nAtomsMax)", "permutation": permutation]
            try compute(structures, batch: 256, archive: &archive, featureCount: cm.numberOfFeatures) { batch in
                if derivatives {
                    let (q, d) = try cm.derivatives(batch, threads: threads)
                    return (q, d)
                }
                return (try cm.create(batch, threads: threads), nil)
            }
        }
        var json = settings
        json["file"] = file
        let text = String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
        archive.add("settings", text: text)
        try archive.write(to: output)
        print("wrote \(output)")
    }

    /// Runs `body` over batches of structures (for progress) and adds the arrays to the archive.
    private func compute(
        _ structures: [Structure], batch size: Int, archive: inout NPZWriter, featureCount D: Int,
        _ body: ([Structure]) throws -> (DescriptorRows, SparseDerivatives?)
    ) throws {
        let progress = Progress("descriptors", total: structures.count)
        var values = [Double](), structure = [Int](), center = [Int]()
        var gradients = [Double](), gradientRow = [Int](), gradientAtom = [Int]()
        for start in stride(from: 0, to: structures.count, by: size) {
            let end = min(start + size, structures.count)
            let (q, d) = try body(Array(structures[start..<end]))
            if let d {
                gradients += d.values
                gradientRow += d.row.map { $0 + structure.count }
                gradientAtom += d.atom
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

    private func makeSOAP(_ structures: [Structure]) throws -> SOAP {
        var present = [Int]()
        for s in structures { for z in s.atomicNumbers where !present.contains(z) { present.append(z) } }
        let speciesList = try species.map(parseElements) ?? present
        let center = try centerSpecies.map(parseElement)
        switch layout {
        case .dscribe:
            guard center == nil else { throw ValidationError("--center-species is a QUIP option; use --centers with --layout dscribe") }
            return try SOAP.dscribe(
                species: speciesList, cutoff: cutoff, nMax: nMax, lMax: lMax, atomSigma: atomSigma,
                weighting: try weighting.map(parseWeighting), centerWeight: centralWeight, average: average,
                crossover: crossover, periodic: true)
        case .quip:
            guard weighting == nil, !crossover else { throw ValidationError("--weighting and --crossover are DScribe options; add --layout dscribe") }
            guard average != .outer else { throw ValidationError("QUIP averages the density (--average inner); outer averaging is a DScribe option") }
            return try SOAP.quip(
                cutoff: cutoff, cutoffTransitionWidth: cutoffWidth, nMax: nMax, lMax: lMax, atomSigma: atomSigma,
                centralWeight: centralWeight ?? 1, speciesZ: speciesList, centerSpecies: center,
                average: average == .inner)
        }
    }

    private func soapSettings(_ soap: SOAP) -> [String: String] {
        ["descriptor": "soap", "layout": soap.layout.rawValue, "species": soap.species.map(String.init).joined(separator: ","),
         "cutoff": "\(cutoff)", "cutoff_width": "\(cutoffWidth)", "n_max": "\(nMax)", "l_max": "\(lMax)",
         "atom_sigma": "\(atomSigma)", "average": average.rawValue, "n_features": "\(soap.numberOfFeatures)"]
    }

    private func parseElement(_ text: String) throws -> Int {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let z = Int(t), Element.symbol(z) != nil { return z }
        guard let z = Element.atomicNumber(t) else { throw ValidationError("'\(t)' is not an element symbol or atomic number") }
        return z
    }

    private func parseElements(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map { try parseElement(String($0)) }
    }

    private func parseWeighting(_ text: String) throws -> SOAP.Weighting {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        var values = [String: Double]()
        for item in (parts.count > 1 ? parts[1] : "").split(separator: ",") {
            let kv = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let v = Double(kv[1]) else { throw ValidationError("--weighting: bad parameter '\(item)'") }
            values[kv[0]] = v
        }
        func need(_ key: String) throws -> Double {
            guard let v = values[key] else { throw ValidationError("--weighting \(parts[0]) needs \(key)=…") }
            return v
        }
        switch parts[0] {
        case "poly": return .poly(c: try need("c"), r0: try need("r0"), m: try need("m"))
        case "pow": return .pow(c: try need("c"), d: try need("d"), r0: try need("r0"), m: try need("m"))
        case "exp": return .exp(c: try need("c"), d: try need("d"), r0: try need("r0"))
        default: throw ValidationError("--weighting must start with poly:, pow: or exp:")
        }
    }

    private func parsePermutation() throws -> CoulombMatrix.Permutation {
        switch permutation {
        case "none": return .none
        case "sorted_l2": return .sortedL2
        case "eigenspectrum": return .eigenspectrum
        case "random": return .random(sigma: permutationSigma, seed: seed)
        default: throw ValidationError("--permutation must be none, sorted_l2, eigenspectrum or random")
        }
    }
}

extension SOAP.Layout: ExpressibleByArgument {}
extension SOAP.Averaging: ExpressibleByArgument {}
