import Atoms
import Dynamics

/// Snapshots from Langevin molecular dynamics with a classical potential: the way liquid, amorphous and
/// hot-crystal configurations enter a training set.
public struct MDSampler: Sendable {
    /// The potential that drives the dynamics.
    public let calculator: any Calculator
    /// Time step, fs.
    public var timeStep = 1.0
    /// Langevin friction, 1/fs.
    public var friction = 0.02

    /// A sampler driven by `calculator`.
    public init(calculator: any Calculator) { self.calculator = calculator }

    /// Runs through the temperature `schedule` (K and steps per stage, in order) from `start`, and keeps a
    /// snapshot (positions only) every `interval` steps of the stages marked `sample`.
    public func snapshots(
        from start: Structure, schedule: [(temperature: Double, steps: Int, sample: Bool)], interval: Int, seed: UInt64
    ) throws -> [Structure] {
        let first = schedule.first?.temperature ?? 300
        let (v, dof) = InitialVelocities.maxwellBoltzmann(start, temperature: first, seed: seed)
        var state = try MDState(structure: start, velocities: v, calculator: calculator, degreesOfFreedom: dof)
        var out = [Structure]()
        for (k, stage) in schedule.enumerated() {
            var integrator = LangevinBAOAB(
                timeStep: timeStep, temperature: stage.temperature, friction: friction,
                seed: seed &+ UInt64(k + 1))
            try MDRun(maxDisplacement: 0.5, minimumDistance: 0.5).run(
                &state, integrator: &integrator, calculator: calculator, steps: stage.steps
            ) { step, s in
                if stage.sample && step % interval == 0 {
                    var snapshot = s.structure
                    snapshot.info["md_temperature"] = .double(stage.temperature)
                    out.append(snapshot)
                }
            }
        }
        return out
    }
}
