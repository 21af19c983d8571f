import Atoms
import Descriptors

/// The first stage of a fit, "read and check data": the configurations with reference data as observations
/// (e0 subtracted), their elements, the descriptor, and the warnings worth showing before any work.
struct FitData {
    /// Configurations with an energy, forces or a virial, in file order.
    let observations: [Observation]
    /// Elements of the observations, in order of appearance.
    let elements: [Int]
    /// The SOAP settings with `speciesZ` filled in (nil without a SOAP term).
    let soapSettings: SOAPSettings?
    /// The SOAP descriptor.
    let soap: SOAP?
    /// The 2- and 3-body terms, split by element combination where `add_species` asks for it.
    let terms: [GeometricTermSettings]
    /// Isolated-atom energy per element, eV.
    let e0: [Int: Double]
    /// Configurations with close atoms, one line each.
    let warnings: [String]

    /// Reads the reference data of `structures` (`lines[k]` the file line of configuration k, for messages),
    /// leaves out configurations with atoms closer than `CloseAtoms.distance` unless
    /// `settings.allowCloseAtoms`, and resolves the elements, e0 and the descriptor.
    /// - Throws: `GAPError` for unusable reference data, geometry, species or e0, fewer atoms of an element than
    ///   its SOAP sparse points, or when nothing is left to fit.
    init(_ structures: [Structure], lines: [Int], settings: FitSettings) throws(GAPError) {
        var observations = [Observation](), warnings = [String](), firstLeftOut: (index: Int, line: Int)?
        for (k, s) in structures.enumerated() {
            let line = k < lines.count ? lines[k] : 0
            var o = try Observation(
                s, index: k, line: line, keys: settings.keys, defaults: settings.sigmas,
                configTypeSigmas: settings.configTypeSigmas, useVirials: settings.useVirials)
            guard o.rawEnergy != nil || o.forces != nil || o.virial != nil else { continue }
            if let core = settings.core {
                do { o = o.subtracting(try core.calculate(s)) } catch {
                    throw .badReference(configuration: k, line: line, detail: "the core potential cannot evaluate it: \(error)")
                }
            }
            if let close = try CloseAtoms.closestPair(in: s, index: k) {
                warnings.append(close.warning(configuration: k, line: line, kept: settings.allowCloseAtoms))
                guard settings.allowCloseAtoms else {
                    firstLeftOut = firstLeftOut ?? (k, line)
                    continue
                }
            }
            observations.append(o)
        }
        if observations.isEmpty, let first = firstLeftOut {
            throw .badReference(
                configuration: first.index, line: first.line,
                detail: "every configuration with reference "
                    + "data has atoms closer than \(CloseAtoms.distance) Å; fix the structures or pass --allow-close-atoms")
        }
        guard !observations.isEmpty else { throw .emptyTrainingSet(file: "training set") }

        var elements = [Int]()
        for o in observations { for z in o.structure.atomicNumbers where !elements.contains(z) { elements.append(z) } }
        var soapSettings = settings.soap
        if var soap = soapSettings {
            if soap.speciesZ.isEmpty { soap.speciesZ = elements }
            if let missing = elements.first(where: { !soap.speciesZ.contains($0) }) {
                throw .invalidSetting(
                    name: "species_Z", value: "\(soap.speciesZ)",
                    hint: "\(Element.label(missing)) is in the data but not in species_Z")
            }
            soapSettings = soap
        }
        let e0 = try settings.e0.resolve(
            elements: elements, structures: observations.map(\.structure),
            energies: observations.map(\.rawEnergy), keys: settings.keys
        ).mapValues { $0 + settings.e0Offset }
        for k in observations.indices {
            if let raw = observations[k].rawEnergy {
                observations[k].energy = raw - observations[k].structure.atomicNumbers.reduce(0) { $0 + (e0[$1] ?? 0) }
            }
        }
        // Every atom is a SOAP candidate of its element: too few of them is known before any descriptor.
        if soapSettings != nil && settings.sparseMethod != .indices([]) && settings.sparseIndices.isEmpty {
            var atoms = [Int: Int]()
            for o in observations { for z in o.structure.atomicNumbers { atoms[z, default: 0] += 1 } }
            for z in elements where atoms[z, default: 0] < settings.sparseCount(for: z) {
                throw .tooFewAtoms(element: z, atoms: atoms[z, default: 0], requested: settings.sparseCount(for: z))
            }
        }
        do { soap = try soapSettings?.makeSOAP() } catch { throw .descriptor(error) }
        terms = settings.terms.flatMap { $0.expanded(elements: elements) }
        self.observations = observations
        self.elements = elements
        self.soapSettings = soapSettings
        self.e0 = e0
        self.warnings = warnings
    }
}
