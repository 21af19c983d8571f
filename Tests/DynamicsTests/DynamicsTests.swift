import Atoms
import Classical
import Dynamics
import Foundation
import TestSupport
import Testing

private func silicon(_ temperature: Double, seed: UInt64) throws -> MDState {
    let s = Crystal.diamond.structure([14], a: 5.431, cubic: true).repeated(SIMD3(2, 2, 2))
    let (v, dof) = InitialVelocities.maxwellBoltzmann(s, temperature: temperature, seed: seed)
    return try MDState(structure: s, velocities: v, calculator: StillingerWeber(), degreesOfFreedom: dof)
}

@Suite("Molecular dynamics")
struct DynamicsTests {
    struct VerletFixture: Decodable {
        struct LJ: Decodable { let epsilon: Double, sigma: Double, rc: Double }
        struct Frame: Decodable { let step: Int, positions: [[Double]] }
        let lj: LJ
        let dt_fs: Double
        let start: StructureFixture
        let velocities: [[Double]]
        let frames: [Frame]
        let final_velocities: [[Double]]
        let final_potential_energy: Double
        let final_kinetic_energy: Double
    }

    @Test func velocityVerletReproducesASE() throws {
        let f = try Fixtures.load(VerletFixture.self, "verlet_ase.json")
        let lj = try LennardJones(element: 18, epsilon: f.lj.epsilon, sigma: f.lj.sigma, cutoff: f.lj.rc)
        var state = try MDState(
            structure: f.start.structure, velocities: f.velocities.map(vector), calculator: lj,
            degreesOfFreedom: 3 * 32 - 3)
        var integrator = VelocityVerlet(timeStep: f.dt_fs)
        var worst = 0.0
        try MDRun().run(&state, integrator: &integrator, calculator: lj, steps: 100) { step, s in
            if let frame = f.frames.first(where: { $0.step == step }) {
                for (a, b) in zip(s.structure.positions, frame.positions.map(vector)) { worst = max(worst, norm(a - b)) }
            }
        }
        #expect(worst < 1e-9, "largest position difference from ASE: \(worst) Å")
        #expect(zip(state.velocities, f.final_velocities.map(vector)).allSatisfy { norm($0 - $1) < 1e-10 })
        #expect(abs(state.kineticEnergy - f.final_kinetic_energy) < 1e-9)
        #expect(abs(state.potentialEnergy - f.final_potential_energy) < 1e-9)
    }

    @Test func velocityVerletIsTimeReversible() throws {
        var state = try silicon(800, seed: 1)
        let start = state.structure.positions
        var integrator = VelocityVerlet(timeStep: 1)
        let sw = StillingerWeber()
        try MDRun().run(&state, integrator: &integrator, calculator: sw, steps: 300) { _, _ in }
        state.velocities = state.velocities.map { -$0 }
        try MDRun().run(&state, integrator: &integrator, calculator: sw, steps: 300) { _, _ in }
        let worst = zip(state.structure.positions, start).map { norm($0 - $1) }.max()!
        #expect(worst < 1e-8, "returned within \(worst) Å")
    }

    @Test func stillingerWeberConservesEnergyOverTenPicoseconds() throws {
        // 64 Si atoms from 1000 K, dt 1 fs, 10 ps.
        var state = try silicon(1000, seed: 2)
        var integrator = VelocityVerlet(timeStep: 1)
        var times = [Double](), energies = [Double](), temperatures = [Double]()
        try MDRun().run(&state, integrator: &integrator, calculator: StillingerWeber(), steps: 10_000) { _, s in
            times.append(s.time)
            energies.append(s.totalEnergy)
            temperatures.append(s.temperature)
        }
        let report = EnergyConservation(times: times, totalEnergies: energies, temperatures: temperatures, atoms: 64)
        #expect(abs(report.driftMeVPerAtomPerPs) <= 0.05, "drift \(report.driftMeVPerAtomPerPs) meV/atom/ps")
        #expect(report.maxDeviationMeVPerAtom < 2, "max deviation \(report.maxDeviationMeVPerAtom) meV/atom")
        #expect(report.meanTemperature > 300 && report.meanTemperature < 800, "equipartition: about half the start")
    }

    /// Mean temperature over a long run, with a tolerance of four standard errors of the mean, computed
    /// from the canonical spread T√(2/N_f) and the number of thermostat correlation times in the run.
    private func meanTemperature(_ make: () -> any Integrator, correlationTime: Double, target: Double) throws -> (Double, Double) {
        var state = try silicon(target, seed: 3)
        var integrator = make()
        let sw = StillingerWeber()
        try MDRun().run(&state, integrator: &integrator, calculator: sw, steps: 2000) { _, _ in }  // equilibrate
        var sum = 0.0, count = 0.0
        let steps = 40_000
        try MDRun().run(&state, integrator: &integrator, calculator: sw, steps: steps) { _, s in
            sum += s.temperature
            count += 1
        }
        let spread = target * (2 / Double(state.degreesOfFreedom)).squareRoot()
        let independent = Double(steps) * integrator.timeStep / (2 * correlationTime)
        return (sum / count, 4 * spread / independent.squareRoot())
    }

    @Test func langevinHoldsTheTemperature() throws {
        // The kinetic energy decorrelates at rate 2γ: 1/(2γ) = 20 fs.
        let (mean, tolerance) = try meanTemperature(
            { LangevinBAOAB(timeStep: 1, temperature: 600, friction: 0.025, seed: 4) },
            correlationTime: 20, target: 600)
        #expect(tolerance < 0.02 * 600)
        #expect(abs(mean - 600) < tolerance, "mean \(mean) K, tolerance \(tolerance) K")
    }

    @Test func bussiHoldsTheTemperature() throws {
        let (mean, tolerance) = try meanTemperature(
            { BussiThermostat(timeStep: 1, temperature: 600, relaxationTime: 20, seed: 5) },
            correlationTime: 20, target: 600)
        #expect(tolerance < 0.02 * 600)
        #expect(abs(mean - 600) < tolerance, "mean \(mean) K, tolerance \(tolerance) K")
    }

    @Test func maxwellBoltzmannVelocities() {
        let s = Crystal.diamond.structure([14], a: 5.431, cubic: true)
        let (v, dof) = InitialVelocities.maxwellBoltzmann(s, temperature: 500, seed: 9)
        #expect(dof == 3 * 8 - 3)
        let masses = s.masses
        let momentum = zip(masses, v).reduce(SIMD3<Double>.zero) { $0 + $1.0 * $1.1 }
        #expect(norm(momentum) < 1e-12)
        let kinetic = zip(masses, v).reduce(0.0) { $0 + 0.5 * $1.0 * dot($1.1, $1.1) } * Units.amuAngstromSquaredPerFsSquaredInEV
        #expect(abs(2 * kinetic / (Double(dof) * Units.boltzmann) - 500) < 1e-9)
        // A molecule also loses its rotation.
        let water = Structure(atomicNumbers: [8, 1, 1], positions: [.zero, SIMD3(0.96, 0, 0), SIMD3(-0.24, 0.93, 0.1)])
        let (w, wdof) = InitialVelocities.maxwellBoltzmann(water, temperature: 300, seed: 1)
        #expect(wdof == 3)
        let wm = water.masses
        let angular = (0..<3).reduce(SIMD3<Double>.zero) { $0 + wm[$1] * cross(water.positions[$1], w[$1]) }
        #expect(norm(angular) < 1e-10)
    }

    @Test func energyConservationReportFitsTheDrift() {
        let times = (0..<1001).map { Double($0) }  // 1 ps in fs
        let energies = times.map { -100 + 0.064 * $0 / 1000 + 0.001 * sin($0) }  // 64 meV/ps drift
        let report = EnergyConservation(times: times, totalEnergies: energies, temperatures: [300, 500], atoms: 64)
        #expect(abs(report.driftMeVPerAtomPerPs - 1) < 0.02)
        #expect(report.meanTemperature == 400 && report.samples == 1001)
        #expect(report.maxDeviationMeVPerAtom > 0.9 && report.maxDeviationMeVPerAtom < 1.1)
    }

    @Test func blowUpsStopWithTheLastGoodState() throws {
        var state = try silicon(3000, seed: 6)
        var integrator = VelocityVerlet(timeStep: 30)  // far too long a step
        var lastStep = 0
        do {
            try MDRun(maxDisplacement: 0.5, minimumDistance: 1.0).run(
                &state, integrator: &integrator, calculator: StillingerWeber(), steps: 100
            ) { step, _ in lastStep = step }
            Issue.record("the run should have stopped")
        } catch let error as MDError {
            #expect(error.step == lastStep + 1, "\(error)")
        }
        #expect(state.calculation.forces.allSatisfy { $0.isFinite })
        #expect(abs(state.time - Double(lastStep) * 30) < 1e-9)
    }
}
