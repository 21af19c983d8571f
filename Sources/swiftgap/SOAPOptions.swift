import ArgumentParser
import Descriptors

/// The SOAP options `fit` and `describe` share, declared once and checked against `DescriptorLimits`
/// as they are parsed. The center weight stays with each command: `fit` defaults it to QUIP's 1, while
/// `describe` leaves it open so that DScribe's w0 follows the weighting function.
struct SOAPOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "SOAP cutoff radius, Å.") var cutoff: Double = 5
    @Option(parsing: .unconditional, help: "SOAP cutoff transition width, Å.") var cutoffWidth: Double = 0.5
    @Option(parsing: .unconditional, help: "Radial basis functions.") var nMax: Int = 8
    @Option(parsing: .unconditional, help: "Largest spherical-harmonic degree.") var lMax: Int = 6
    @Option(parsing: .unconditional, help: "Gaussian width of atomic densities, Å.") var atomSigma: Double = 0.5

    func validate() throws {
        do {
            try SOAP.validate(cutoff: cutoff, nMax: nMax, lMax: lMax, atomSigma: atomSigma)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
