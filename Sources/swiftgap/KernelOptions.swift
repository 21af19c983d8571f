import ArgumentParser
import Atoms
import GAP

/// The SOAP kernel, sparse-point counts, σ and e0 options that `fit` and `learn` share, declared once and
/// checked as they are parsed.
struct KernelOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Weight of the center atom's density.") var centralWeight: Double = 1
    @Option(parsing: .unconditional, help: "Kernel exponent ζ.") var zeta: Double = 4
    @Option(parsing: .unconditional, help: "Kernel energy scale δ, eV.") var delta: Double = 1
    @Option(
        parsing: .unconditional, help: "Sparse points per element: 500, or per element H=2000,C=1000,O=900, or both 1000,O=900.")
    var nSparse = SparseCountsArgument(500)
    @Option(parsing: .unconditional, help: "Energy σ per atom, eV.") var sigmaEnergy: Double = 0.001
    @Option(parsing: .unconditional, help: "Force σ, eV/Å.") var sigmaForce: Double = 0.05
    @Option(parsing: .unconditional, help: "Virial σ per atom, eV.") var sigmaVirial: Double = 0.05
    @Option(help: "e0: isolated, average, fit, or values such as Si=-158.54,O=-432.1.") var e0: String = "isolated"
    @Option(parsing: .unconditional, help: "Added to the diagonal of K_MM.") var jitter: Double = 1e-10
    @Flag(help: "Ignore virials and stresses even when present.") var noVirials = false

    func validate() throws {
        for (option, value) in [
            ("--sigma-energy", sigmaEnergy), ("--sigma-force", sigmaForce), ("--sigma-virial", sigmaVirial),
            ("--zeta", zeta), ("--delta", delta)
        ] where !(value > 0 && value.isFinite) {
            throw ValidationError("\(option) must be positive, found \(value)")
        }
        guard jitter >= 0 && jitter.isFinite else { throw ValidationError("--jitter must be ≥ 0, found \(jitter)") }
        try nSparse.validate()
        _ = try e0Mode()
    }

    /// The --e0 mode.
    func e0Mode() throws -> E0Mode {
        guard let mode = E0Mode(e0) else {
            throw ValidationError("--e0 must be isolated, average, fit, or values like Si=-158.54,O=-432.1, found '\(e0)'")
        }
        return mode
    }

    /// The SOAP settings of `soap` with --central-weight.
    func soapSettings(_ soap: SOAPOptions) -> SOAPSettings {
        SOAPSettings(
            cutoff: soap.cutoff, cutoffTransitionWidth: soap.cutoffWidth, nMax: soap.nMax, lMax: soap.lMax,
            atomSigma: soap.atomSigma, centralWeight: centralWeight, speciesZ: [])
    }

    /// The σ of energies, forces and virials.
    var sigmas: Sigmas { Sigmas(energy: sigmaEnergy, force: sigmaForce, virial: sigmaVirial) }
}
