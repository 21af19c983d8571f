import Atoms
import Dynamics
import GAP

/// Where an active-learning loop finds the configurations it may label: a fixed pool (each configuration picked
/// at most once), or the frames of a short MD run driven by each round's potential.
public enum CandidateSource {
    case pool([Structure])
    case dynamics(MDCandidates)
}

/// Candidates from Langevin MD with the current potential: `steps` steps from `start` at `temperature`, a frame
/// kept every `interval` steps. A run that blows up (the potential is poor where it went) keeps the frames before.
public struct MDCandidates: Sendable {
    /// The configuration every run starts from.
    public var start: Structure
    /// Steps per run.
    public var steps: Int
    /// A frame is kept every `interval` steps.
    public var interval: Int
    /// Thermostat temperature, K.
    public var temperature: Double
    /// Time step, fs.
    public var timeStep = 1.0
    /// Langevin friction, 1/fs.
    public var friction = 0.02

    /// Runs of `steps` steps from `start` at `temperature` K, a frame every `interval` steps.
    public init(start: Structure, steps: Int, interval: Int, temperature: Double) {
        self.start = start
        self.steps = steps
        self.interval = interval
        self.temperature = temperature
    }

    /// Checks the run's settings.
    /// - Throws: `LearningError.invalidSetting` naming the first bad one.
    public func validate() throws(LearningError) {
        guard steps >= 1 else { throw .invalidSetting(name: "MD steps", value: "\(steps)", hint: "run at least one step") }
        guard interval >= 1, interval <= steps else {
            throw .invalidSetting(name: "MD frame interval", value: "\(interval)", hint: "between 1 and the steps (\(steps))")
        }
        for (name, value) in [("temperature", temperature), ("time step", timeStep)] where !(value > 0 && value.isFinite) {
            throw .invalidSetting(name: name, value: "\(value)", hint: "must be positive")
        }
    }

    /// The frames of one run with `potential`, and a note when the run stopped early.
    /// - Throws: `LearningError.dynamics` when the run stopped before its first kept frame.
    func frames(potential: GAPPotential, seed: UInt64, round: Int) throws(LearningError) -> (frames: [Structure], note: String?) {
        var frames = [Structure]()
        do {
            let (v, dof) = InitialVelocities.maxwellBoltzmann(start, temperature: temperature, seed: seed)
            var state = try MDState(structure: start, velocities: v, calculator: potential, degreesOfFreedom: dof)
            var integrator = LangevinBAOAB(timeStep: timeStep, temperature: temperature, friction: friction, seed: seed &+ 1)
            try MDRun(maxDisplacement: 0.5, minimumDistance: 0.5).run(
                &state, integrator: &integrator, calculator: potential, steps: steps
            ) { step, s in
                if step % interval == 0 {
                    var frame = s.structure
                    frame.info["md_step"] = .int(step)
                    frames.append(frame)
                }
            }
        } catch {
            guard !frames.isEmpty else { throw .dynamics(round: round, message: "\(error)") }
            return (frames, "MD stopped early (\(error)); \(frames.count) frames kept")
        }
        return (frames, nil)
    }
}
