import Atoms
import Foundation
import GAP

/// A GAP XML potential read into SwiftGAP, with what the file says of itself.
public struct GapXMLModel: Sendable {
    /// The potential.
    public let potential: GAPPotential
    /// The `<GAP_params>` label.
    public let label: String
    /// The `gap_version` the file was written with (0 when absent).
    public let gapVersion: Int
    /// The `<Potential init_args>` used.
    public let initArgs: String
    /// The `<command_line>` of the fit, when recorded.
    public let commandLine: String?
    /// `<gpCoordinates>` read (terms and species), including any without sparse points.
    public let coordinates: Int
    /// How the model was made: the SwiftGAP fit record of a file SwiftGAP exported, otherwise a record of the
    /// import with the settings of the gap_fit `<command_line>` (when SwiftGAP can read it).
    public let fitRecord: FitRecord
}

/// QUIP's GAP XML format (gap_fit's output, what `pair_style quip` and quippy read): `read` imports a file and
/// its sparseX files; `GapXMLWriter` exports.
public enum GapXML {
    /// Reads the GAP XML at `path`, with its sparseX files from the same folder.
    /// - Throws: `GapXMLError` naming the file, line and what is wrong or unsupported.
    public static func read(path: String) throws(GapXMLError) -> GapXMLModel {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(file: path, reason: "no such file")
        }
        guard !isFolder.boolValue else { throw .unreadable(file: path, reason: "it is a folder") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= GapXMLLimits.fileBytes else {
            throw .unreadable(file: path, reason: "\(size) bytes is more than the \(GapXMLLimits.fileBytes) accepted")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try read(bytes: [UInt8](data), name: path, folder: folder.isEmpty ? "." : folder)
    }

    /// Reads a GAP XML held in memory; `name` stands for the file in errors and sparseX files are looked up in
    /// `folder`.
    /// - Throws: `GapXMLError` as `read(path:)`.
    public static func read(bytes: [UInt8], name: String, folder: String) throws(GapXMLError) -> GapXMLModel {
        let root = try XMLTreeParser.parse(bytes, file: name)
        let potentials = root.name == "Potential" ? [root] : root.descendants("Potential")
        let args: GapXMLInitArgs
        let initArgs: String
        if let p = potentials.first {
            guard let text = p.attribute("init_args") else {
                throw .missing(file: name, line: p.line, what: "the init_args attribute of <Potential>")
            }
            initArgs = text
            args = try GapXMLInitArgs(text, file: name, line: p.line)
        } else {
            initArgs = "IP GAP"
            args = try GapXMLInitArgs(initArgs, file: name, line: root.line)
        }
        let all = root.name == "GAP_params" ? [root] : root.descendants("GAP_params")
        guard let params = args.label.isEmpty ? all.first : all.first(where: { $0.attribute("label") == args.label }) else {
            throw .missing(
                file: name, line: root.line,
                what: args.label.isEmpty
                    ? "a <GAP_params> element" : "the <GAP_params label=\"\(args.label)\"> that init_args names")
        }
        let version: Int
        if let text = params.attribute("gap_version") {
            guard let v = GapFitNumber.int(text.trimmingCharacters(in: .whitespaces)), v >= 0 else {
                throw .badValue(file: name, line: params.line, what: "gap_version", value: text, expected: "a non-negative integer")
            }
            version = v
        } else {
            version = 0
        }
        let e0 = try energies(params, file: name)
        guard let sparse = params.child("gpSparse") else {
            throw .missing(file: name, line: params.line, what: "the <gpSparse> element of <GAP_params>")
        }
        let elements = sparse.children("gpCoordinates")
        if let n = sparse.attribute("n_coordinate") {
            guard GapFitNumber.int(n.trimmingCharacters(in: .whitespaces)) == elements.count else {
                throw .badValue(
                    file: name, line: sparse.line, what: "n_coordinate of <gpSparse>", value: n,
                    expected: "the number of <gpCoordinates> elements, \(elements.count)")
            }
        }
        var coordinates: [(GapXMLCoordinates, GapXMLDescriptor)] = []
        for element in elements {
            let c = try GapXMLCoordinates(element, file: name, folder: folder)
            coordinates.append((c, try GapXMLDescriptor.read(c.descriptor, version: version, file: name, line: c.descriptorLine)))
        }
        let potential = try GapXMLAssembly.potential(coordinates, e0: e0, core: args.core, file: name)
        let command = params.child("command_line")?.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let label = params.attribute("label") ?? ""
        let record: FitRecord
        if let stored = params.child("SwiftGAP_fit_record") {
            do { record = try JSONDecoder().decode(FitRecord.self, from: Data(stored.text.utf8)) } catch {
                throw .badValue(
                    file: name, line: stored.line, what: "<SwiftGAP_fit_record>", value: String(stored.text.prefix(40)),
                    expected: "the JSON fit record SwiftGAP writes")
            }
        } else {
            record = importRecord(
                potential, command: command, note: "imported from the GAP XML \(name) (label \(label), gap_version \(version))")
        }
        return GapXMLModel(
            potential: potential, label: label, gapVersion: version, initArgs: initArgs, commandLine: command,
            coordinates: coordinates.count, fitRecord: record)
    }

    /// The record of an imported model: the settings of its gap_fit `command` where SwiftGAP reads them, the
    /// model's own descriptor settings otherwise; no training data or errors.
    private static func importRecord(_ potential: GAPPotential, command: String?, note: String) -> FitRecord {
        var settings = FitSettings(
            soap: potential.soap?.settings, kernel: potential.soap?.kernel ?? PolynomialKernel(delta: 1, zeta: 4),
            core: potential.core)
        var trainingFile = ""
        if let command, let line = try? GapFitCommandLine(text: command), let job = try? GapFitJob(line),
            let given = try? job.settings(elements: potential.elements)
        {
            settings = given
            trainingFile = job.trainingFile
        }
        var record = FitRecord(
            settings: settings, trainingFile: trainingFile, trainingSHA256: "", trainingConfigurations: 0, observations: 0,
            reciprocalCondition: 0, warnings: [note])
        record.command = command
        return record
    }

    /// e0 by atomic number from `<GAP_data>`: its `e0` attribute (one value for every element) and `<e0 Z value>`.
    private static func energies(_ params: XMLTree, file: String) throws(GapXMLError) -> [Int: Double] {
        guard let data = params.child("GAP_data") else {
            throw .missing(file: file, line: params.line, what: "the <GAP_data> element of <GAP_params>")
        }
        let reader = GapXMLAttributes(data, file: file)
        if let pca = data.attribute("do_pca"), try reader.bool("do_pca") {
            throw .unsupported(
                file: file, line: data.line, what: "do_pca=\(pca)",
                hint: "models fitted on PCA-reduced descriptors cannot be evaluated")
        }
        var e0 = [Int: Double]()
        if data.attribute("e0") != nil {
            let all = try reader.double("e0")
            for z in 1...Element.maximumAtomicNumber { e0[z] = all }
        }
        for entry in data.children("e0") {
            let r = GapXMLAttributes(entry, file: file)
            e0[try r.int("Z", in: 1...Element.maximumAtomicNumber)] = try r.double("value")
        }
        return e0
    }
}
