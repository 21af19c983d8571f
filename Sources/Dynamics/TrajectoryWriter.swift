import Atoms
import Support

/// Writes an extxyz trajectory (positions, velocities, forces, per-atom energies, and the step, time,
/// energies, temperature and virial in each frame's info) atomically: the file appears when the run
/// finishes. A stopped run ends with its last good frame, written once even when it fell on the interval.
public final class TrajectoryWriter: MDObserver {
    /// The trajectory file.
    public let path: String
    private let file: AtomicFile
    private var lastWrittenStep: Int?

    /// Starts writing the trajectory at `path`.
    /// - Throws: `AtomicFileError` when the file cannot be created.
    public init(path: String) throws(AtomicFileError) {
        self.path = path
        file = try AtomicFile(path: path)
    }

    /// Appends the frame of `state`.
    public func observe(step: Int, state: MDState) throws {
        try file.write(try ExtXYZWriter.format(Self.frame(state, step: step), file: path))
        lastWrittenStep = step
    }

    /// Adds the last good frame of a stopped run (unless already written) and moves the file into place.
    public func finish(step: Int, state: MDState, stopped: Bool) throws {
        if stopped && lastWrittenStep != step { try observe(step: step, state: state) }
        try file.commit()
    }

    /// The structure of `state` with its velocities, forces, energies and step as extxyz arrays and info.
    static func frame(_ state: MDState, step: Int) -> Structure {
        var f = state.structure
        f.arrays["velocities"] = .vectors(state.velocities)
        f.arrays["forces"] = .vectors(state.calculation.forces)
        if let e = state.calculation.atomEnergies { f.arrays["energies"] = .doubles(e, width: 1) }
        f.info["step"] = .int(step)
        f.info["time"] = .double(state.time)
        f.info["energy"] = .double(state.potentialEnergy)
        f.info["kinetic_energy"] = .double(state.kineticEnergy)
        f.info["temperature"] = .double(state.temperature)
        f.info["virial"] = .doubles(state.calculation.virial.columnMajor)
        return f
    }
}
