import Atoms
import Descriptors
import GAP

/// A `GAPPotential` from the `gpCoordinates` of a GAP XML: the SOAP coordinates (one per center element, all
/// with the same descriptor and kernel) become the SOAP term, each 2- or 3-body coordinate a term; the
/// elements the model knows are those its descriptors name (every element with an e0 when none names one).
enum GapXMLAssembly {
    /// The potential of `coordinates` (in file order) with `e0` by element and `core`.
    /// - Throws: `GapXMLError.unsupported` for several different SOAP descriptors or a non-zero signal mean
    ///   on an ard_se kernel, `.inconsistent` when sizes disagree.
    static func potential(
        _ coordinates: [(GapXMLCoordinates, GapXMLDescriptor)], e0: [Int: Double], core: CorePotential?, file: String
    ) throws(GapXMLError) -> GAPPotential {
        var soapSettings: (SOAPSettings, PolynomialKernel, line: Int)?
        var models = [Int: SparseModel]()
        var terms = [GeometricTerm]()
        var named = Set<Int>()
        for (c, descriptor) in coordinates {
            switch (descriptor, c.covariance) {
            case let (.soap(settings, center), .dotProduct(zeta)):
                named.formUnion(settings.speciesZ)
                if center != 0 { named.insert(center) }
                let kernel = PolynomialKernel(delta: c.delta, zeta: zeta)
                if let (first, firstKernel, line) = soapSettings, first != settings || firstKernel != kernel {
                    throw .unsupported(
                        file: file, line: c.line,
                        what: "a second SOAP descriptor or kernel (differing from the SOAP <gpCoordinates> on line \(line))",
                        hint: "SwiftGAP's models have one SOAP term (one descriptor and kernel, a sparse set per center element)")
                }
                soapSettings = soapSettings ?? (settings, kernel, c.line)
                guard models[center] == nil else {
                    throw .unsupported(
                        file: file, line: c.line, what: "two SOAP <gpCoordinates> for the same center element Z=\(center)",
                        hint: "SwiftGAP's models have one sparse set per center element")
                }
                guard c.points.rows > 0 else { continue }
                models[center] = SparseModel(points: c.points, alpha: zip(c.alpha, c.cutoffs).map(*))
            case let (.geometric(d), .ardSE(theta)):
                named.formUnion(elements(of: d))
                guard c.signalMean == 0 else {
                    throw .unsupported(
                        file: file, line: c.line, what: "signal_mean=\(c.signalMean) on an ard_se kernel",
                        hint: "SwiftGAP's ard_se kernel has no constant offset (gap_fit's f0=0)")
                }
                guard c.points.rows > 0 else { continue }
                do {
                    let set = try GeometricSparseSet(
                        descriptor: d, kernel: SquaredExponentialKernel(delta: c.delta, theta: theta), points: c.points,
                        weights: c.cutoffs)
                    terms.append(try GeometricTerm(sparse: set, alpha: c.alpha))
                } catch {
                    throw .inconsistent(file: file, detail: "the <gpCoordinates> on line \(c.line): \(error)")
                }
            case (.soap, .ardSE), (.geometric, .dotProduct):
                throw .unsupported(
                    file: file, line: c.line, what: "this descriptor with covariance_type \(c.covariance)",
                    hint: "soap terms take the dot_product kernel, distance_2b and angle_3b the ard_se kernel")
            }
        }
        let known = named.isEmpty ? Set(1...Element.maximumAtomicNumber) : named
        let energies = Dictionary(uniqueKeysWithValues: known.map { ($0, e0[$0] ?? 0) })
        do {
            let soap = try soapSettings.map { (s: (SOAPSettings, PolynomialKernel, line: Int)) throws(GAPError) in
                try SOAPTerm(settings: s.0, kernel: s.1, models: models)
            }
            return try GAPPotential(
                soap: soap?.models.isEmpty == false ? soap : nil, terms: terms, core: core, e0: energies, variance: nil)
        } catch {
            throw .inconsistent(file: file, detail: "\(error)")
        }
    }

    /// The elements a 2- or 3-body descriptor names (0, any element, left out).
    private static func elements(of d: GeometricDescriptor) -> [Int] {
        switch d {
        case let .distance2b(x): [x.z1, x.z2].filter { $0 != 0 }
        case let .angle3b(x): [x.z, x.z1, x.z2].filter { $0 != 0 }
        }
    }
}
