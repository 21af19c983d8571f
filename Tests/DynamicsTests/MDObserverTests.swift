import Atoms
import Classical
import Dynamics
import Foundation
import TestSupport
import Testing

/// 64 Si atoms in a periodic diamond cell (or the same atoms without periodicity) with Stillinger–Weber forces.
private func silicon(_ temperature: Double, seed: UInt64, periodic: Bool = true) throws -> MDState {
    var s = Crystal.diamond.structure([14], a: 5.431, cubic: true).repeated(SIMD3(2, 2, 2))
    if !periodic { s.pbc = .none }
    let (v, dof) = InitialVelocities.maxwellBoltzmann(s, temperature: temperature, seed: seed)
    return try MDState(structure: s, velocities: v, calculator: StillingerWeber(), degreesOfFreedom: dof)
}

/// Counts observations and finishes.
private final class Counter: MDObserver {
    var steps = [Int]()
    var finishes = [(step: Int, stopped: Bool)]()
    func observe(step: Int, state: MDState) { steps.append(step) }
    func finish(step: Int, state: MDState, stopped: Bool) { finishes.append((step, stopped)) }
}

@Suite("MD observers")
struct MDObserverTests {
    @Test func observersSeeTheStartAndTheirInterval() throws {
        var state = try silicon(300, seed: 1)
        var integrator = VelocityVerlet(timeStep: 1)
        let every = Counter(), third = Counter()
        var run = MDRun()
        run.attach(every)
        run.attach(third, interval: 3)
        var closure = [Int]()
        try run.run(&state, integrator: &integrator, calculator: StillingerWeber(), steps: 10) { step, _ in closure.append(step) }
        #expect(every.steps == Array(0...10))
        #expect(third.steps == [0, 3, 6, 9])
        #expect(closure == Array(1...10), "the closure sees every step from 1")
        #expect(third.finishes.count == 1 && third.finishes[0].step == 10 && !third.finishes[0].stopped)
    }

    @Test func aStoppedRunWritesItsLastGoodFrameOnce() throws {
        for interval in [1, 1000] {
            var state = try silicon(3000, seed: 6)
            var integrator = VelocityVerlet(timeStep: 30)  // far too long a step: the run blows up
            let folder = try TemporaryFolder(prefix: "swiftgap-md")
            let path = folder.path("trajectory.xyz")
            var run = MDRun(maxDisplacement: 0.5, minimumDistance: 1.0)
            let counter = Counter()
            run.attach(try TrajectoryWriter(path: path), interval: interval)
            run.attach(counter)
            #expect(throws: MDError.self) {
                try run.run(&state, integrator: &integrator, calculator: StillingerWeber(), steps: 100)
            }
            let lastGood = try #require(counter.finishes.first)
            #expect(lastGood.stopped && counter.finishes.count == 1)
            let steps = try ExtXYZReader.read(path: path).map { Int($0.info["step"]?.doubleValue ?? -1) }
            let expected = interval == 1 ? Array(0...lastGood.step) : Array(Set([0, lastGood.step])).sorted()
            #expect(steps == expected, "interval \(interval): frames \(steps), last good step \(lastGood.step)")
        }
    }

    @Test func aFinishedRunDoesNotAddAFrame() throws {
        var state = try silicon(300, seed: 2)
        var integrator = VelocityVerlet(timeStep: 1)
        let folder = try TemporaryFolder(prefix: "swiftgap-md")
        let path = folder.path("trajectory.xyz")
        var run = MDRun()
        run.attach(try TrajectoryWriter(path: path), interval: 4)
        try run.run(&state, integrator: &integrator, calculator: StillingerWeber(), steps: 10)
        let frames = try ExtXYZReader.read(path: path)
        #expect(frames.map { Int($0.info["step"]?.doubleValue ?? -1) } == [0, 4, 8])
        #expect(frames[1].arrays["velocities"] != nil && frames[1].arrays["forces"] != nil && frames[1].info["temperature"] != nil)
    }

    @Test func energyLogColumns() throws {
        for periodic in [true, false] {
            var state = try silicon(300, seed: 3, periodic: periodic)
            var integrator = VelocityVerlet(timeStep: 1)
            let folder = try TemporaryFolder(prefix: "swiftgap-md")
            let path = folder.path("log.csv")
            var run = MDRun()
            run.attach(try EnergyLog(path: path, periodic: periodic), interval: 2)
            try run.run(&state, integrator: &integrator, calculator: StillingerWeber(), steps: 6)
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            let header = "step,time_fs,potential_eV,kinetic_eV,total_eV,temperature_K" + (periodic ? ",pressure_GPa" : "")
            #expect(lines.first.map(String.init) == header)
            #expect(lines.dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" } == ["0", "2", "4", "6"])
            #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").count == (periodic ? 7 : 6) })
        }
    }

    @Test func energyRecorderFeedsTheConservationReport() throws {
        var state = try silicon(500, seed: 4)
        var integrator = VelocityVerlet(timeStep: 1)
        let recorder = EnergyRecorder()
        var run = MDRun()
        run.attach(recorder)
        try run.run(&state, integrator: &integrator, calculator: StillingerWeber(), steps: 50)
        #expect(recorder.samples.map(\.step) == Array(0...50))
        let report = recorder.conservation(atoms: 64)
        #expect(report.samples == 51 && report.maxDeviationMeVPerAtom < 1)
        #expect(abs(recorder.samples[50].total - state.totalEnergy) < 1e-12)
    }

    @Test func closestPairFindsAtomsTooClose() {
        var s = Crystal.diamond.structure([14], a: 5.431, cubic: true)
        #expect(MDRun().closestPair(in: s) == nil)
        s.positions[1] = s.positions[0] + SIMD3(0.2, 0, 0)
        let pair = MDRun(minimumDistance: 0.5).closestPair(in: s)
        #expect(pair?.first == 0 && pair?.second == 1 && abs((pair?.distance ?? 0) - 0.2) < 1e-12)
        #expect(MDRun(minimumDistance: 0).closestPair(in: s) == nil)
    }
}
