import Atoms
import Foundation
import Support

/// A CSV log of a run, written atomically when the run finishes: step, time_fs, potential_eV, kinetic_eV,
/// total_eV, temperature_K, and pressure_GPa for a periodic cell.
public final class EnergyLog: MDObserver {
    /// The log file.
    public let path: String
    private let file: AtomicFile
    private let periodic: Bool

    /// The columns of the log; `periodic` adds pressure_GPa.
    public static func header(periodic: Bool) -> String {
        "step,time_fs,potential_eV,kinetic_eV,total_eV,temperature_K" + (periodic ? ",pressure_GPa" : "")
    }

    /// Starts the log at `path` for a run of a periodic (with pressure) or non-periodic structure.
    /// - Throws: `AtomicFileError` when the file cannot be created.
    public init(path: String, periodic: Bool) throws(AtomicFileError) {
        self.path = path
        self.periodic = periodic
        file = try AtomicFile(path: path)
        try file.write(Self.header(periodic: periodic) + "\n")
    }

    /// Appends one line.
    public func observe(step: Int, state: MDState) throws {
        var line = String(
            format: "%d,%.6f,%.10f,%.10f,%.10f,%.4f", step, state.time, state.potentialEnergy, state.kineticEnergy,
            state.totalEnergy, state.temperature)
        if periodic, let p = state.pressure { line += String(format: ",%.6f", p * Units.eVPerCubicAngstromInGPa) }
        try file.write(line + "\n")
    }

    /// Moves the finished log into place.
    public func finish(step: Int, state: MDState, stopped: Bool) throws { try file.commit() }
}
