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

    @Option(help: "Potential file written by 'swiftgap fit'.")
    var potential: String?

    @Option(help: "A classical potential instead: sw (Stillinger–Weber Si) or lj (with --lj).")
    var classical: ClassicalPotential?

    @Option(help: "Lennard-Jones parameters for every element pair, EPSILON:SIGMA[:CUTOFF] in eV and Å.")
    var lj: String = "0.0104:3.4:8.5"

    @Option(help: "Number of steps.") var steps: Int
    @Option(help: "Time step, fs.") var dt: Double
    @Option(help: "Temperature, K: draws starting velocities and is the thermostat target.") var temperature: Double?
    @Option(help: "none (NVE), langevin or bussi.") var thermostat: Thermostat = .none
    @Option(help: "Langevin friction, 1/fs.") var friction: Double = 0.01
    @Option(help: "Bussi relaxation time, fs.") var tau: Double = 100
    @Option(help: "Seed of random choices.") var seed: UInt64 = 1
    @Option(help: "Trajectory file (extxyz): positions, velocities, forces, energies, time.") var trajectory: String?
    @Option(help: "Write a trajectory frame every N steps.") var every: Int = 10
    @Option(help: "CSV log of time, energies, temperature (and pressure for periodic cells), every --every steps.") var log: String?
    @Option(help: "SVG plot of the energies against time.") var plot: String?
    @Option(help: "Fail (exit status 1) when the NVE drift exceeds this, meV/atom/ps.") var maxDrift: Double?
    @Option(help: "Largest displacement of an atom in one step, Å.") var maxDisplacement: Double = 0.3
    @Option(help: "Smallest allowed interatomic distance, Å (0 disables the check).") var minDistance: Double = 0.5
    @Option(help: "Write the report and speed as JSON.") var metrics: String?
    @Option(help: "Worker threads of the potential.") var threads: Int = Parallel.defaultThreads

    func validate() throws {
        guard (potential == nil) != (classical == nil) else { throw ValidationError("give exactly one of --potential and --classical") }
        guard steps >= 1, dt > 0, every >= 1 else { throw ValidationError("--steps and --every must be ≥ 1 and --dt positive") }
        if thermostat != .none && temperature == nil { throw ValidationError("a thermostat needs --temperature") }
        if let temperature, !(temperature >= 0) { throw ValidationError("--temperature must be ≥ 0") }
    }

    func run() throws {
        let frames = try ExtXYZReader.read(path: start)
        guard let first = frames.last else { throw ValidationError("\(start) holds no configuration") }
        var s = first
        let calculator = TimedCalculator(try makeCalculator(for: s))
        let (velocities, dof) = try startingVelocities(&s)
        var state = try MDState(structure: s, velocities: velocities, calculator: calculator, degreesOfFreedom: dof)
        var integrator: any Integrator
        switch thermostat {
        case .none: integrator = VelocityVerlet(timeStep: dt)
        case .langevin: integrator = LangevinBAOAB(timeStep: dt, temperature: temperature ?? 0, friction: friction, seed: seed &+ 1)
        case .bussi: integrator = BussiThermostat(timeStep: dt, temperature: temperature ?? 0, relaxationTime: tau, seed: seed &+ 1)
        }
        let output = try trajectory.map { try AtomicFile(path: $0) }
        var logText = "step,time_fs,potential_eV,kinetic_eV,total_eV,temperature_K" + (s.pbc.isAnyPeriodic ? ",pressure_GPa" : "") + "\n"
        var times = [Double](), totals = [Double](), temperatures = [Double]()
        var plotted = [(time: Double, potential: Double, kinetic: Double, total: Double)]()
        let n = Double(s.count)
        func record(_ step: Int, _ st: MDState) throws {
            times.append(st.time)
            totals.append(st.totalEnergy)
            temperatures.append(st.temperature)
            guard step % every == 0 else { return }
            var line = String(format: "%d,%.6f,%.10f,%.10f,%.10f,%.4f", step, st.time, st.potentialEnergy, st.kineticEnergy,
                              st.totalEnergy, st.temperature)
            if let p = st.pressure { line += String(format: ",%.6f", p * Units.eVPerCubicAngstromInGPa) }
            logText += line + "\n"
            plotted.append((st.time, st.potentialEnergy, st.kineticEnergy, st.totalEnergy))
            try output?.write(try ExtXYZWriter.format(frame(st, step: step), file: trajectory ?? ""))
        }
        try record(0, state)
        let progress = Progress("md", total: steps)
        let clock = Date()
        let startupForceSeconds = calculator.seconds
        var failure: Error? = nil
        do {
            var thermostatted = integrator
            try MDRun(maxDisplacement: maxDisplacement, minimumDistance: minDistance).run(
                &state, integrator: &thermostatted, calculator: calculator, steps: steps) { step, st in
                try record(step, st)
                if step % 10 == 0 || step == steps { progress.update(step) }
            }
            integrator = thermostatted
        } catch {
            failure = error
            // Keep the last good frame in the trajectory, whatever the sampling interval.
            if let output, let trajectory { try output.write(try ExtXYZWriter.format(frame(state, step: times.count - 1), file: trajectory)) }
        }
        let seconds = Date().timeIntervalSince(clock)
        try output?.commit()
        if let log { try AtomicFile.write(Array(logText.utf8), to: log) }
        if let plot { try AtomicFile.write(Array(energyPlot(plotted, atoms: n).utf8), to: plot) }

        let done = times.count - 1
        let report = EnergyConservation(times: times, totalEnergies: totals, temperatures: temperatures, atoms: s.count)
        let rate = Double(done) / max(seconds, 1e-9)
        // Everything but the potential: integrator, safety checks, energy records, log and trajectory output.
        let loopFraction = max(0, 1 - (calculator.seconds - startupForceSeconds) / max(seconds, 1e-9))
        print(String(format: "%d steps of %.3g fs (%.3f ps) in %.2f s: %.1f steps/s, %.1f µs/atom/step (%.1f%% outside the potential)",
                     done, dt, Double(done) * dt / 1000, seconds, rate, seconds / Double(max(done, 1)) / n * 1e6, 100 * loopFraction))
        if thermostat == .none {
            print(String(format: "energy conservation (NVE): drift %.4f meV/atom/ps, max deviation %.4f meV/atom, "
                + "RMS fluctuation %.4f meV/atom", report.driftMeVPerAtomPerPs, report.maxDeviationMeVPerAtom,
                report.rmsFluctuationMeVPerAtom))
        }
        print(String(format: "mean temperature %.1f K (%@)", report.meanTemperature, thermostat.rawValue))
        for (label, path) in [("trajectory", trajectory), ("log", log), ("plot", plot)] { if let path { print("\(label): \(path)") } }
        if let metrics {
            let object: [String: Any] = [
                "drift_mev_per_atom_per_ps": report.driftMeVPerAtomPerPs, "max_deviation_mev_per_atom": report.maxDeviationMeVPerAtom,
                "rms_fluctuation_mev_per_atom": report.rmsFluctuationMeVPerAtom, "mean_temperature_k": report.meanTemperature,
                "steps_per_second": rate, "loop_fraction": loopFraction, "steps": done, "atoms": s.count, "thermostat": thermostat.rawValue,
                "stopped_early": failure != nil,
            ]
            try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])), to: metrics)
        }
        if let failure { throw failure }
        if let maxDrift, thermostat == .none, abs(report.driftMeVPerAtomPerPs) > maxDrift {
            throw ValidationError(String(format: "drift %.4f meV/atom/ps exceeds --max-drift %.4g", report.driftMeVPerAtomPerPs, maxDrift))
        }
    }

    private func makeCalculator(for s: Structure) throws -> any Calculator {
        if let potential {
            var (gap, _) = try GAPPotential.load(path: potential, variances: false)
            gap.threads = threads
            try gap.checkElements(s)
            return gap
        }
        switch classical {
        case .sw?: return StillingerWeber()
        default:
            let p = lj.split(separator: ":").compactMap { Double($0) }
            guard p.count == 2 || p.count == 3 else { throw ValidationError("--lj must be EPSILON:SIGMA[:CUTOFF]") }
            let elements = Array(Set(s.atomicNumbers)).sorted()
            var pairs = [(Int, Int, LennardJones.Parameters)]()
            for (k, a) in elements.enumerated() {
                for b in elements[k...] { pairs.append((a, b, .init(epsilon: p[0], sigma: p[1], cutoff: p.count == 3 ? p[2] : nil))) }
            }
            return try LennardJones(pairs: pairs)
        }
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

    private func frame(_ st: MDState, step: Int) -> Structure {
        var f = st.structure
        f.arrays["velocities"] = .vectors(st.velocities)
        f.arrays["forces"] = .vectors(st.calculation.forces)
        if let e = st.calculation.atomEnergies { f.arrays["energies"] = .doubles(e, width: 1) }
        f.info["step"] = .int(step)
        f.info["time"] = .double(st.time)
        f.info["energy"] = .double(st.potentialEnergy)
        f.info["kinetic_energy"] = .double(st.kineticEnergy)
        f.info["temperature"] = .double(st.temperature)
        f.info["virial"] = .doubles(st.calculation.virial.columnMajor)
        return f
    }

    private func energyPlot(_ points: [(time: Double, potential: Double, kinetic: Double, total: Double)], atoms n: Double) -> String {
        guard let first = points.first else { return SVGPlot(title: "Energy", xLabel: "", yLabel: "", series: [], kind: .lines).svg }
        func series(_ name: String, _ color: String, _ pick: ((time: Double, potential: Double, kinetic: Double, total: Double)) -> Double) -> SVGPlot.Series {
            SVGPlot.Series(name: name, points: points.map { ($0.time / 1000, 1000 * (pick($0) - pick(first)) / n) }, color: color)
        }
        return SVGPlot(title: "Energies relative to the start", xLabel: "time (ps)", yLabel: "meV/atom",
                       series: [series("potential", "#1f77b4", \.potential), series("kinetic", "#d62728", \.kinetic),
                                series("total", "#000000", \.total)], kind: .lines).svg
    }
}
