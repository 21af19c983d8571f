import Atoms
import Descriptors
import Foundation
import LinearAlgebra
import TestSupport
import Testing

@testable import GAP

/// Multi-term models made by QUIP's gap_fit (quippy-ase 0.10.3; `scripts/fixtures/make_multiterm_fixtures.py`):
/// with gap_fit's sparse points and weights, SwiftGAP predicts quippy's energies, forces and virials; refitted on
/// the same data with the same sparse points, it finds gap_fit's weights.
@Suite("Multi-term models against gap_fit and quippy")
struct MultiTermFixtureTests {
    struct Model: Decodable {
        struct Term: Decodable {
            let descriptor: String
            let covariance_type: String
            let signal_variance: Double
            let theta: [Double]?
            let zeta: Double?
            let sparseX: [[Double]]
            let sparseCutoff: [Double]
            let alpha: [Double]
            let sparse_index: [Int]?
        }
        let gap_fit_arguments: [String]
        let e0: [String: Double]
        let terms: [Term]
        let test_configurations: [PredictedConfiguration]
    }

    static func load(_ name: String) throws -> Model {
        try Fixtures.load(Model.self, "multiterm/\(name).json")
    }

    /// The key=value words of a gap_fit descriptor string (values without spaces suffice here).
    static func parameters(_ text: String) -> [String: String] {
        var out = [String: String]()
        for word in text.split(separator: " ") {
            let kv = word.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { out[kv[0].lowercased()] = kv[1] }
        }
        return out
    }

    /// The descriptor and kernel of a fixture term (2- or 3-body).
    static func geometric(_ term: Model.Term) throws -> (GeometricDescriptor, SquaredExponentialKernel) {
        let p = parameters(term.descriptor)
        let cutoff = CosineCutoff(cutoff: Double(p["cutoff"]!)!, width: Double(p["cutoff_transition_width"] ?? "0.5")!)
        let z = Int(p["z"] ?? "0")!, z1 = Int(p["z1"] ?? "0")!, z2 = Int(p["z2"] ?? "0")!
        let descriptor: GeometricDescriptor =
            term.descriptor.hasPrefix("distance_2b")
            ? .distance2b(DistanceTwoBody(cutoff: cutoff, z1: z1, z2: z2))
            : .angle3b(AngleThreeBody(cutoff: cutoff, z: z, z1: z1, z2: z2))
        return (descriptor, SquaredExponentialKernel(delta: term.signal_variance, theta: try #require(term.theta)))
    }

    static func soapSettings(_ term: Model.Term) -> SOAPSettings {
        let p = parameters(term.descriptor)
        return SOAPSettings(
            cutoff: Double(p["cutoff"]!)!, cutoffTransitionWidth: Double(p["cutoff_transition_width"]!)!,
            nMax: Int(p["n_max"]!)!, lMax: Int(p["l_max"]!)!, atomSigma: Double(p["atom_sigma"]!)!, speciesZ: [14])
    }

    /// The potential the fixture's XML numbers define.
    static func potential(_ model: Model) throws -> GAPPotential {
        var soap: SOAPTerm?
        var terms = [GeometricTerm]()
        for term in model.terms {
            if term.covariance_type == "dot_product" {
                let points = try Matrix(term.sparseX)
                soap = try SOAPTerm(
                    settings: soapSettings(term), kernel: PolynomialKernel(delta: term.signal_variance, zeta: term.zeta!),
                    models: [14: SparseModel(points: points, alpha: zip(term.alpha, term.sparseCutoff).map(*))])
            } else {
                let (descriptor, kernel) = try geometric(term)
                let set = try GeometricSparseSet(
                    descriptor: descriptor, kernel: kernel, points: Matrix(term.sparseX), weights: term.sparseCutoff)
                terms.append(try GeometricTerm(sparse: set, alpha: term.alpha))
            }
        }
        let e0 = Dictionary(uniqueKeysWithValues: model.e0.map { (Int($0.key)!, $0.value) })
        return try GAPPotential(soap: soap, terms: terms, e0: e0, variance: nil)
    }

    @Test(arguments: ["model_A", "model_B", "model_C"])
    func predictionsEqualQuippy(_ name: String) throws {
        let model = try Self.load(name)
        var gap = try Self.potential(model)
        gap.threads = 2
        for c in model.test_configurations {
            let s = c.structure
            let r = try gap.calculate(s)
            #expect(abs(r.energy - c.energy) < 1e-8 * max(1, abs(c.energy)), "\(name) \(c.name): E \(r.energy) vs \(c.energy)")
            let forceError =
                zip(r.forces, c.forces).map { f, reference in
                    let d = f - vector(reference)
                    return max(abs(d.x), abs(d.y), abs(d.z))
                }.max() ?? 0
            #expect(forceError < 1e-7, "\(name) \(c.name): max |ΔF| = \(forceError) eV/Å")
            if s.pbc.isAnyPeriodic {
                let virialError = (0..<3).flatMap { i in (0..<3).map { j in abs(r.virial[i, j] - c.virial[i][j]) } }.max() ?? 0
                #expect(virialError < 1e-7 * max(1, abs(c.energy) / 100), "\(name) \(c.name): max |ΔW| = \(virialError) eV")
            }
            let local = r.atomEnergies ?? []
            let localError = zip(local, c.local_energies ?? []).map { abs($0 - $1) }.max() ?? .infinity
            #expect(localError < 1e-7, "\(name) \(c.name): max |Δe_i| = \(localError) eV")
        }
    }

    /// With gap_fit's sparse points (its 2- and 3-body points as given points, its SOAP points by index), the
    /// weights of every term equal gap_fit's within its regression tolerance, 1e-5 of the largest.
    @Test(arguments: [("model_B", "../gap_fit_train.xyz"), ("model_C", "sic_train.xyz")])
    func refitWithGapFitSparsePointsGivesItsWeights(_ name: String, _ training: String) throws {
        let model = try Self.load(name)
        let data = try ExtXYZReader.read(path: Fixtures.url("multiterm/\(training)").path)
        let args = Dictionary(
            uniqueKeysWithValues: model.gap_fit_arguments.map { a -> (String, String) in
                let kv = a.split(separator: "=", maxSplits: 1).map(String.init)
                return (kv[0], kv[1])
            })
        let sigma = args["default_sigma"]!.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: " ")
            .map { Double($0)! }
        var settings = FitSettings(
            soap: nil, sigmas: Sigmas(energy: sigma[0], force: sigma[1], virial: sigma[2]),
            keys: ReferenceKeys(
                energy: args["energy_parameter_name"], forces: args["force_parameter_name"], virial: args["virial_parameter_name"]),
            e0: .explicit(Dictionary(uniqueKeysWithValues: model.e0.map { (Int($0.key)!, $0.value) })),
            jitter: Double(args["sparse_jitter"]!)!, threads: 2, storeVariance: false)
        for term in model.terms {
            if term.covariance_type == "dot_product" {
                settings.soap = Self.soapSettings(term)
                settings.kernel = PolynomialKernel(delta: term.signal_variance, zeta: term.zeta!)
                settings.sparseMethod = .indices([])
                settings.sparseIndices = [14: try #require(term.sparse_index)]
            } else {
                let (descriptor, kernel) = try Self.geometric(term)
                settings.terms.append(
                    GeometricTermSettings(
                        descriptor: descriptor, kernel: kernel, sparseCount: term.alpha.count, addSpecies: false,
                        givenPoints: .init(values: term.sparseX, cutoffs: term.sparseCutoff)))
            }
        }
        let (gap, _) = try GAPTrainer.fit(data, settings: settings)
        var fitted = gap.terms.map(\.alpha)
        if let soap = gap.soap { fitted.append(try #require(soap.models[14]).alpha) }
        let reference =
            model.terms.filter { $0.covariance_type != "dot_product" }.map(\.alpha)
            + model.terms.filter { $0.covariance_type == "dot_product" }.map(\.alpha)
        #expect(fitted.count == reference.count)
        for (k, (ours, theirs)) in zip(fitted, reference).enumerated() {
            let scale = theirs.map(abs).max() ?? 1
            let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-5 * scale, "\(name) term \(k): max |Δα| = \(worst), max |α| = \(scale)")
        }
    }
}
