import ArgumentParser
import Atoms
import Classical
import Dynamics
import Foundation
import GAP
import Support

/// `swiftgap md START.xyz --potential P --steps N --dt FS`: a test trajectory with an energy-conservation
/// report.
struct MDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "md",
        abstract: "Run molecular dynamics (NVE or NVT) and report energy conservation.",
        discussion: """
            Velocities come from the start file ('velocities' in Å/fs, or ASE 'momenta') unless --temperature is
            given, in which case they are drawn from Maxwell–Boltzmann with --seed (total momentum removed, and
            rotation for a molecule). A step that produces non-finite forces, moves an atom more than
            --max-displacement or brings two atoms closer than --min-distance stops the run with a message; the
            trajectory then ends with the last good frame. With --max-drift the exit status is non-zero when the
            NVE drift exceeds it.
            """)

    enum Thermostat: String, ExpressibleByArgument, CaseIterable {
        case none, langevin, bussi
    }

    enum ClassicalPotential: String, ExpressibleByArgument, CaseIterable {
        case sw, lj
    }

    @Argument(help: "Start configuration (extxyz; the last frame is used).")
    var start: String

    @Option(help: "Potential: a .gap file written by 'swiftgap fit', or a GAP XML (gap_fit, published models).")
    var potential: String?

    @Option(help: "A classical potential instead: sw (Stillinger–Weber Si) or lj (with --lj).")
    var classical: ClassicalPotential?

    @Option(help: "Lennard-Jones parameters for every element pair, EPSILON:SIGMA[:CUTOFF] in eV and Å.")
    var lj: String = "0.0104:3.4:8.5"

    @Option(parsing: .unconditional, help: "Number of steps.") var steps: Int
    @Option(parsing: .unconditional, help: "Time step, fs.") var dt: Double
    @Option(parsing: .unconditional, help: "Temperature, K: draws starting velocities and is the thermostat target.")
    var temperature: Double?
    @Option(help: "none (NVE), langevin or bussi.") var thermostat: Thermostat = .none
    @Option(parsing: .unconditional, help: "Langevin friction, 1/fs.") var friction: Double = 0.01
    @Option(parsing: .unconditional, help: "Bussi relaxation time, fs.") var tau: Double = 100
    @Option(parsing: .unconditional, help: "Seed of random choices.") var seed: UInt64 = 1
    @Option(help: "Trajectory file (extxyz): positions, velocities, forces, energies, time.") var trajectory: String?
    @Option(parsing: .unconditional, help: "Write a trajectory frame every N steps.") var every: Int = 10
    @Option(help: "CSV log of time, energies, temperature (and pressure for periodic cells), every --every steps.") var log: String?
    @Option(help: "SVG plot of the energies against time.") var plot: String?
    @Option(parsing: .unconditional, help: "Fail (exit status 1) when the NVE drift exceeds this, meV/atom/ps.") var maxDrift:
        Double?
    @Option(parsing: .unconditional, help: "Largest displacement of an atom in one step, Å.") var maxDisplacement: Double = 0.3
    @Option(parsing: .unconditional, help: "Smallest allowed interatomic distance, Å (0 disables the check).")
    var minDistance: Double = 0.5
    @Option(help: "Write the report and speed as JSON.") var metrics: String?
    @Option(parsing: .unconditional, help: "Worker threads of the potential.") var threads: Int = Parallel.defaultThreads

    func validate() throws {
        guard (potential == nil) != (classical == nil) else {
            throw ValidationError("give exactly one of --potential and --classical")
        }
        guard steps >= 1 else { throw ValidationError("--steps must be ≥ 1, found \(steps)") }
        guard dt > 0 && dt <= 100 else { throw ValidationError("--dt must be a time step in fs, > 0 and ≤ 100, found \(dt)") }
        guard every >= 1 else { throw ValidationError("--every must be ≥ 1, found \(every)") }
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, found \(threads)") }
        guard friction > 0 && friction.isFinite else {
            throw ValidationError("--friction must be positive (1/fs), found \(friction)")
        }
        guard tau > 0 && tau.isFinite else { throw ValidationError("--tau must be positive (fs), found \(tau)") }
        guard maxDisplacement > 0 else {
            throw ValidationError("--max-displacement must be positive (Å), found \(maxDisplacement)")
        }
        guard minDistance >= 0 && minDistance.isFinite else {
            throw ValidationError("--min-distance must be ≥ 0 (Å; 0 disables the check), found \(minDistance)")
        }
        if let maxDrift, !(maxDrift >= 0) { throw ValidationError("--max-drift must be ≥ 0 (meV/atom/ps), found \(maxDrift)") }
        if thermostat != .none && temperature == nil { throw ValidationError("a thermostat needs --temperature") }
        if let temperature, !(temperature >= 0 && temperature.isFinite) {
            throw ValidationError("--temperature must be ≥ 0 (K), found \(temperature)")
        }
        if classical == .lj { _ = try ljParameters() }
    }

    func run() throws {
        try OutputPaths(
            files: [("--trajectory", trajectory), ("--log", log), ("--plot", plot), ("--metrics", metrics)],
            inputs: [("the start file", start), ("the potential", potential)]
        ).check()
        let (frames, lines) = try readFrames(start, role: "start file")
        var s = frames[frames.count - 1]
        var run = MDRun(maxDisplacement: maxDisplacement, minimumDistance: minDistance)
        if let pair = run.closestPair(in: s) {
            throw DataFileError.atomsTooClose(
                role: "start file", path: start, line: lines[lines.count - 1],
                configuration: frames.count - 1, first: pair.first, second: pair.second,
                distance: pair.distance, limit: minDistance)
        }
        let calculator = TimedCalculator(try makeCalculator(for: s))
        let (velocities, dof) = try startingVelocities(&s)
        var state = try MDState(structure: s, velocities: velocities, calculator: calculator, degreesOfFreedom: dof)
        var integrator: any Integrator
        switch thermostat {
        case .none: integrator = VelocityVerlet(timeStep: dt)
        case .langevin: integrator = LangevinBAOAB(timeStep: dt, temperature: temperature ?? 0, friction: friction, seed: seed &+ 1)
        case .bussi: integrator = BussiThermostat(timeStep: dt, temperature: temperature ?? 0, relaxationTime: tau, seed: seed &+ 1)
        }
        let energies = EnergyRecorder(), plotted = EnergyRecorder()
        run.attach(energies)
        if plot != nil { run.attach(plotted, interval: every) }
        if let trajectory { run.attach(try TrajectoryWriter(path: trajectory), interval: every) }
        if let log { run.attach(try EnergyLog(path: log, periodic: s.pbc.isAnyPeriodic), interval: every) }

        let progress = Progress("md", total: steps)
        let clock = Date()
        let startupForceSeconds = calculator.seconds
        var failure: MDError? = nil
        do {
            try run.run(&state, integrator: &integrator, calculator: calculator, steps: steps) { step, _ in
                if step % 10 == 0 || step == steps { progress.update(step) }
            }
        } catch let error as MDError {
            failure = error
        }
        let seconds = Date().timeIntervalSince(clock)
        if let plot { try AtomicFile.write(Array(EnergyPlot.svg(plotted.samples, atoms: s.count).utf8), to: plot) }

        let done = energies.samples.count - 1
        let report = energies.conservation(atoms: s.count)
        let rate = Double(done) / max(seconds, 1e-9)
        // Everything but the potential: integrator, safety checks, energy records, log and trajectory output.
        let loopFraction = max(0, 1 - (calculator.seconds - startupForceSeconds) / max(seconds, 1e-9))
        print(
            String(
                format: "%d steps of %.3g fs (%.3f ps) in %.2f s: %.1f steps/s, %.1f µs/atom/step (%.1f%% outside the potential)",
                done, dt, Double(done) * dt / 1000, seconds, rate, seconds / Double(max(done, 1)) / Double(s.count) * 1e6,
                100 * loopFraction))
        if thermostat == .none {
            print(
                String(
                    format: "energy conservation (NVE): drift %.4f meV/atom/ps, max deviation %.4f meV/atom, "
                        + "RMS fluctuation %.4f meV/atom", report.driftMeVPerAtomPerPs, report.maxDeviationMeVPerAtom,
                    report.rmsFluctuationMeVPerAtom))
        }
        print(String(format: "mean temperature %.1f K (%@)", report.meanTemperature, thermostat.rawValue))
        for (label, path) in [("trajectory", trajectory), ("log", log), ("plot", plot)] {
            if let path { print("\(label): \(path)") }
        }
        if let metrics {
            try JSONFile.write(
                MDMetrics(
                    report: report, steps: done, atoms: s.count, stepsPerSecond: rate, loopFraction: loopFraction,
                    thermostat: thermostat.rawValue, stoppedEarly: failure != nil), to: metrics)
        }
        if let failure { throw failure }
        if let maxDrift, thermostat == .none, abs(report.driftMeVPerAtomPerPs) > maxDrift {
            throw ValidationError(
                String(format: "drift %.4f meV/atom/ps exceeds --max-drift %.4g", report.driftMeVPerAtomPerPs, maxDrift))
        }
    }

    private func makeCalculator(for s: Structure) throws -> any Calculator {
        if let potential {
            var (gap, _, _) = try PotentialFiles.load(potential, variances: false)
            gap.threads = threads
            try gap.checkElements(s)
            return gap
        }
        switch classical {
        case .sw?: return StillingerWeber()
        default:
            let p = try ljParameters()
            let elements = Array(Set(s.atomicNumbers)).sorted()
            var pairs = [(Int, Int, LennardJones.Parameters)]()
            for (k, a) in elements.enumerated() {
                for b in elements[k...] { pairs.append((a, b, p)) }
            }
            return try LennardJones(pairs: pairs)
        }
    }

    /// The parameters of --lj, EPSILON:SIGMA[:CUTOFF], all positive.
    private func ljParameters() throws -> LennardJones.Parameters {
        let p = lj.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard p.count == 2 || p.count == 3, p.allSatisfy({ $0.map { $0 > 0 && $0.isFinite } ?? false }), let epsilon = p[0],
            let sigma = p[1]
        else { throw ValidationError("--lj must be EPSILON:SIGMA[:CUTOFF] with positive numbers (eV, Å, Å), found '\(lj)'") }
        return .init(epsilon: epsilon, sigma: sigma, cutoff: p.count == 3 ? p[2] : nil)
    }

    /// Velocities from --temperature, else from the file (velocities in Å/fs or ASE momenta), else zero.
    private func startingVelocities(_ s: inout Structure) throws -> ([SIMD3<Double>], Int) {
        let conserved = 3 * s.count - 3
        if let temperature { return InitialVelocities.maxwellBoltzmann(s, temperature: temperature, seed: seed) }
        if let v = s.arrays["velocities"]?.vectors { return (v, max(conserved, 1)) }
        if let p = s.arrays["momenta"]?.vectors {
            // ASE momenta: amu·Å per ASE time unit; one fs is 0.0982269… ASE time units.
            let aseFs = 1e-15 * 1e10 * (Units.elementaryCharge / Units.atomicMassUnit).squareRoot()
            return (zip(p, s.masses).map { $0 / $1 * aseFs }, max(conserved, 1))
        }
        return ([SIMD3<Double>](repeating: .zero, count: s.count), max(conserved, 1))
    }
}
