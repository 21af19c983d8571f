import ArgumentParser
import Atoms

/// Where reference values are in the user's files.
struct KeyOptions: ParsableArguments {
    @Option(help: "Info key of the reference energy (default: energy, dft_energy, … whichever is present).")
    var energyKey: String?

    @Option(help: "Per-atom key of the reference forces (default: forces, force, dft_force, …).")
    var forcesKey: String?

    @Option(help: "Info key of the reference virial (default: virial, dft_virial, …).")
    var virialKey: String?

    @Option(help: "Info key of the reference stress, used as virial = −stress·V when there is no virial.")
    var stressKey: String?

    @Option(help: "Info key of the configuration type.")
    var configTypeKey = "config_type"

    var keys: ReferenceKeys {
        ReferenceKeys(energy: energyKey, forces: forcesKey, virial: virialKey, stress: stressKey, configType: configTypeKey)
    }
}
