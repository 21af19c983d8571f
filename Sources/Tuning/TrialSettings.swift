import Descriptors
import GAP

/// One point of the search: the SOAP descriptor and kernel, δ, σ, a 2-body term or none, and the sparse-point
/// count as a multiple of the requested one. Everything else of a fit comes from the search's base
/// `FitSettings`.
public struct TrialSettings: Codable, Hashable, Sendable {
    /// SOAP cutoff and its transition width, Å.
    public var cutoff: Double, cutoffWidth: Double
    /// Radial and angular basis sizes.
    public var nMax: Int, lMax: Int
    /// Gaussian width of the atomic densities, Å.
    public var atomSigma: Double
    /// Weight of the center atom's density.
    public var centralWeight: Double
    /// Kernel exponent ζ and energy scale δ (eV; the 2-body term's δ too).
    public var zeta: Double, delta: Double
    /// σ of energies and virials per atom (eV) and of force components (eV/Å).
    public var sigmaEnergy: Double, sigmaForce: Double, sigmaVirial: Double
    /// Sparse points per element as a multiple of the requested counts (each capped at the element's atoms).
    public var sparseScale: Double = 1
    /// Whether a `distance_2b` term (`TrialSettings.twoBodyTerm`) is fitted beside SOAP.
    public var twoBody: Bool = false

    /// Settings from the SOAP settings `soap`, the kernel `kernel` and the σ `sigmas` of a fit.
    public init(soap: SOAPSettings, kernel: PolynomialKernel, sigmas: Sigmas, twoBody: Bool = false) {
        cutoff = soap.cutoff
        cutoffWidth = soap.cutoffTransitionWidth
        nMax = soap.nMax
        lMax = soap.lMax
        atomSigma = soap.atomSigma
        centralWeight = soap.centralWeight
        zeta = kernel.zeta
        delta = kernel.delta
        sigmaEnergy = sigmas.energy
        sigmaForce = sigmas.force
        sigmaVirial = sigmas.virial
        self.twoBody = twoBody
    }

    /// The SOAP settings (species from the data).
    public var soap: SOAPSettings {
        SOAPSettings(
            cutoff: cutoff, cutoffTransitionWidth: cutoffWidth, nMax: nMax, lMax: lMax, atomSigma: atomSigma,
            centralWeight: centralWeight, speciesZ: [])
    }

    /// The σ of energies, forces and virials.
    public var sigmas: Sigmas { Sigmas(energy: sigmaEnergy, force: sigmaForce, virial: sigmaVirial) }

    /// The 2-body term the search adds: `distance_2b` over the SOAP cutoff (transition width 1 Å), `ard_se`
    /// with δ the SOAP δ and θ 1 Å, 20 sparse points on a uniform grid, one term per element pair.
    public var twoBodyTerm: GeometricTermSettings {
        GeometricTermSettings(
            descriptor: .distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: cutoff, width: 1))),
            kernel: SquaredExponentialKernel(delta: delta, theta: [1]), sparseCount: 20, sparseMethod: .uniform)
    }

    /// `base` with these settings and the sparse-point counts `counts` (per element).
    public func fitSettings(base: FitSettings, counts: [Int: Int]) -> FitSettings {
        var s = base
        s.soap = soap
        s.kernel = PolynomialKernel(delta: delta, zeta: zeta)
        s.sigmas = sigmas
        s.terms = twoBody ? [twoBodyTerm] : []
        s.sparseCountByElement = counts
        s.sparseCount = counts.values.max() ?? base.sparseCount
        return s
    }

    /// The kernel rows these settings need (what `KernelSystem` keeps): equal keys share rows.
    var rowsKey: TrialSettings {
        var key = self
        (key.sigmaEnergy, key.sigmaForce, key.sigmaVirial, key.delta) = (0, 0, 0, 0)
        return key
    }
}
