import Atoms
import Descriptors
import Foundation
import GAP
import LinearAlgebra
import Support

/// Writes a `GAPPotential` as QUIP's GAP XML, with one sparseX file per `gpCoordinates` beside it (as gap_fit's
/// `sparse_separate_file=T`, with MD5 sums): quippy's `Potential(param_filename=…)` and LAMMPS's `pair_style
/// quip` read it. The SOAP term becomes one `gpCoordinates` per center element (its weights α carry the cutoff
/// weights, written as `sparseCutoff="1"`), each 2- or 3-body term one more; a QUIP-style ZBL core becomes a
/// `Sum` potential. The fit record goes into `<command_line>` (the command) and `<SwiftGAP_fit_record>` (JSON).
public enum GapXMLWriter {
    /// The gap_version written: QUIP builds from this one on read the file with the definitions used here (SOAP
    /// with √(2l+1) normalisation and the center in its own species channel unless the descriptor says
    /// otherwise; every descriptor setting is written explicitly).
    public static let gapVersion = 1_596_837_814

    /// Writes `potential` to `path` (an `.xml`) and its sparseX files `path.sparseX.<label><k>`, each atomically
    /// and the XML last. The label is derived from the model's numbers, so the same model gives the same files.
    /// - Throws: `GapXMLError.notExportable` for a core potential QUIP lacks (tabulated pairs, ZBL with LAMMPS
    ///   switching or restricted to some pairs), `.write` when a file cannot be written.
    public static func write(_ potential: GAPPotential, to path: String, fit: FitRecord?) throws(GapXMLError) {
        let initArgsCore = try core(potential.core)
        var blocks: [Block] = []
        if let soap = potential.soap {
            for (z, model) in soap.models.sorted(by: { $0.key < $1.key }) {
                blocks.append(
                    Block(
                        descriptor: soapString(soap, center: z), covariance: "2", delta: soap.kernel.delta, theta: nil,
                        zeta: soap.kernel.zeta, points: model.points, alpha: model.alpha,
                        cutoffs: [Double](repeating: 1, count: model.alpha.count)))
            }
        }
        for term in potential.terms {
            blocks.append(
                Block(
                    descriptor: geometricString(term), covariance: "1", delta: term.sparse.kernel.delta,
                    theta: term.sparse.kernel.theta, zeta: nil, points: term.sparse.points, alpha: term.alpha,
                    cutoffs: term.sparse.weights))
        }
        let files = blocks.map { block in block.points.elements.map { "\($0)\n" }.joined() }
        var hasher = SHA256()
        for (block, file) in zip(blocks, files) {
            hasher.update(data: Data(block.descriptor.utf8))
            hasher.update(data: Data(file.utf8))
            hasher.update(data: Data(block.alpha.map { "\($0)" }.joined(separator: " ").utf8))
        }
        let label = "SwiftGAP_" + hasher.finalize().prefix(6).map { String(format: "%02x", $0) }.joined()
        let name = (path as NSString).lastPathComponent
        var xml = "<\(label)>\n"
        let gapArgs = "IP GAP label=\(label)"
        let initArgs = initArgsCore.map { "Sum init_args_pot1={\($0)} init_args_pot2={\(gapArgs)}" } ?? gapArgs
        xml += "<Potential label=\"\(label)\" init_args=\"\(escape(initArgs))\"/>\n"
        xml += "<GAP_params label=\"\(label)\" gap_version=\"\(gapVersion)\">\n"
        xml += "  <GAP_data do_core=\"\(potential.core == nil ? "F" : "T")\">\n"
        for (z, e) in potential.e0.sorted(by: { $0.key < $1.key }) where potential.e0.count < Element.maximumAtomicNumber || e != 0
        {
            xml += "    <e0 Z=\"\(z)\" value=\"\(e)\"/>\n"
        }
        xml += "  </GAP_data>\n"
        xml += "  <gpSparse label=\"\(label)\" n_coordinate=\"\(blocks.count)\" fitted=\"T\">\n"
        for (k, (block, file)) in zip(blocks, files).enumerated() {
            let coordinate = "\(label)\(k + 1)"
            let sparseName = "\(name).sparseX.\(coordinate)"
            let md5 = MD5.hash(data: Data(file.utf8)).map { String(format: "%02x", $0) }.joined()
            let d = block.points.columns
            xml += "    <gpCoordinates label=\"\(coordinate)\" dimensions=\"\(d)\" signal_variance=\"\(block.delta)\" "
            xml += "signal_mean=\"0.0\" sparsified=\"T\" n_permutations=\"1\" covariance_type=\"\(block.covariance)\" "
            if let zeta = block.zeta { xml += "zeta=\"\(zeta)\" " }
            xml += "n_sparseX=\"\(block.points.rows)\" sparseX_filename=\"\(escape(sparseName))\" sparseX_md5sum=\"\(md5)\">\n"
            if let theta = block.theta { xml += "      <theta>\(theta.map { "\($0)" }.joined(separator: " "))</theta>\n" }
            xml += "      <descriptor>\(escape(block.descriptor))</descriptor>\n"
            let permutation = block.theta == nil ? "1" : (1...max(d, 1)).map(String.init).joined(separator: " ")
            xml += "      <permutation i=\"1\">\(permutation)</permutation>\n"
            for (i, (a, c)) in zip(block.alpha, block.cutoffs).enumerated() {
                xml += "      <sparseX i=\"\(i + 1)\" alpha=\"\(a)\" sparseCutoff=\"\(c)\"/>\n"
            }
            xml += "    </gpCoordinates>\n"
        }
        xml += "  </gpSparse>\n"
        if let fit {
            if let command = fit.command { xml += "  <command_line>\(escape(command))</command_line>\n" }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            if let json = try? encoder.encode(fit) {
                xml += "  <SwiftGAP_fit_record>\(escape(String(decoding: json, as: UTF8.self)))</SwiftGAP_fit_record>\n"
            }
        }
        xml += "</GAP_params>\n</\(label)>\n"
        let folder = (path as NSString).deletingLastPathComponent
        for (k, file) in files.enumerated() {
            let sparsePath = (folder as NSString).appendingPathComponent("\(name).sparseX.\(label)\(k + 1)")
            do { try AtomicFile.write(Array(file.utf8), to: sparsePath) } catch {
                throw .write(path: sparsePath, reason: "\(error)")
            }
        }
        do { try AtomicFile.write(Array(xml.utf8), to: path) } catch { throw .write(path: path, reason: "\(error)") }
    }

    /// One `gpCoordinates` to write: descriptor string, kernel, sparse points, weights and cutoff weights.
    private struct Block {
        let descriptor: String
        /// QUIP's covariance type: "1" ard_se, "2" dot_product.
        let covariance: String
        let delta: Double
        let theta: [Double]?
        let zeta: Double?
        let points: Matrix
        let alpha: [Double]
        let cutoffs: [Double]
    }

    /// Checks that a model with `core` can be written as GAP XML, before the work that makes it.
    /// - Throws: `GapXMLError.notExportable` for a core QUIP lacks.
    public static func checkExportable(core: CorePotential?) throws(GapXMLError) { _ = try Self.core(core) }

    /// QUIP's init_args for the core potential, nil without one.
    private static func core(_ core: CorePotential?) throws(GapXMLError) -> String? {
        switch core {
        case nil: return nil
        case let .zbl(p)?:
            guard case let .quip(cutoff, width) = p.switching else {
                throw .notExportable(
                    detail: "its ZBL core switches off as LAMMPS's pair_zbl does, which QUIP's IP ZBL cannot express; "
                        + "keep a .gap file, or fit with swiftgap gap_fit and core_ip_args={IP ZBL cutoff=… cutoff_width=…}")
            }
            guard p.pairs == nil else {
                throw .notExportable(detail: "its ZBL core acts on some element pairs only; QUIP's IP ZBL acts on every pair")
            }
            return "IP ZBL cutoff=\(cutoff) cutoff_width=\(width)"
        case .pairTable?:
            throw .notExportable(detail: "QUIP has no tabulated pair potential for its core; keep the model as a .gap file")
        }
    }

    /// The descriptor string of the SOAP term around center `z` (0: every element), every setting explicit.
    private static func soapString(_ soap: SOAPTerm, center z: Int) -> String {
        let s = soap.settings
        let species = s.speciesZ.isEmpty ? [0] : s.speciesZ
        var text = "soap cutoff=\(s.cutoff) cutoff_transition_width=\(s.cutoffTransitionWidth) n_max=\(s.nMax) l_max=\(s.lMax) "
        text += "atom_sigma=\(s.atomSigma) central_weight=\(s.centralWeight) "
        text += "central_reference_all_species=\(s.centralReferenceAllSpecies || species.count == 1 ? "T" : "F") "
        text += "n_species=\(species.count) species_Z={\(species.map(String.init).joined(separator: " "))} Z=\(z) "
        text += "covariance_type=dot_product zeta=\(soap.kernel.zeta) delta=\(soap.kernel.delta) "
        text += "n_sparse=\(soap.models[z]?.points.rows ?? 0)"
        return text
    }

    /// The descriptor string of a 2- or 3-body term.
    private static func geometricString(_ term: GeometricTerm) -> String {
        let text: String
        switch term.sparse.descriptor {
        case let .distance2b(d):
            text = "distance_2b cutoff=\(d.cutoff.cutoff) cutoff_transition_width=\(d.cutoff.width) Z1=\(d.z1) Z2=\(d.z2)"
        case let .angle3b(d):
            text = "angle_3b cutoff=\(d.cutoff.cutoff) cutoff_transition_width=\(d.cutoff.width) Z=\(d.z) Z1=\(d.z1) Z2=\(d.z2)"
        }
        return text + " covariance_type=ard_se delta=\(term.sparse.kernel.delta) n_sparse=\(term.sparse.count)"
    }

    /// `text` with the characters XML reserves written as entities.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
