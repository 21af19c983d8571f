import Atoms

/// Runs an integrator step by step, stopping with a clear `MDError` (and the last good state kept) when a
/// step blows up: non-finite forces, an atom moving further than `maxDisplacement` in one step, or two
/// atoms closer than `minimumDistance`. Observers attached with an interval see the run as it goes.
public struct MDRun {
    /// Largest displacement of any atom in one step, Å.
    public var maxDisplacement: Double
    /// Smallest allowed interatomic distance, Å (0 disables the check).
    public var minimumDistance: Double
    private var observers: [(observer: any MDObserver, interval: Int)] = []

    /// Limits for a run.
    public init(maxDisplacement: Double = 0.3, minimumDistance: Double = 0.5) {
        self.maxDisplacement = maxDisplacement
        self.minimumDistance = minimumDistance
    }

    /// Attaches `observer` to see the starting state and every `interval`-th step (interval ≥ 1), and to be
    /// finished when the run ends. Observers are called in the order they were attached.
    public mutating func attach(_ observer: some MDObserver, interval: Int = 1) {
        precondition(interval >= 1, "an observer interval is at least 1")
        observers.append((observer, interval))
    }

    /// Advances `state` by `steps` steps; `observe` sees the state after every step (step numbers from 1),
    /// the attached observers the starting state (step 0) and the steps at their interval. On error `state`
    /// holds the last good state and, when a step failed (`MDError`), the observers are finished with it.
    /// With an integrator that does not conserve momentum the temperature counts all 3N degrees of freedom.
    public func run<I: Integrator, C: Calculator>(
        _ state: inout MDState, integrator: inout I, calculator: C, steps: Int,
        observe: (_ step: Int, _ state: MDState) throws -> Void = { _, _ in }
    ) throws {
        guard steps > 0 else { return }
        if !integrator.conservesMomentum { state.degreesOfFreedom = 3 * state.structure.count }
        try notify(step: 0, state: state)
        var done = 0
        do {
            for step in 1...steps {
                var next = state
                do {
                    try integrator.step(&next, calculator: calculator)
                } catch {
                    throw MDError.calculator(step: step, message: "\(error)")
                }
                try check(previous: state, next: next, step: step)
                state = next
                done = step
                try observe(step, state)
                try notify(step: step, state: state)
            }
        } catch let error as MDError {
            for entry in observers { try entry.observer.finish(step: done, state: state, stopped: true) }
            throw error
        }
        for entry in observers { try entry.observer.finish(step: done, state: state, stopped: false) }
    }

    private func notify(step: Int, state: MDState) throws {
        for entry in observers where step % entry.interval == 0 { try entry.observer.observe(step: step, state: state) }
    }

    /// The closest pair of atoms of `structure` nearer than `minimumDistance` (nil when there is none or
    /// the check is disabled), e.g. to reject a start configuration before the first step.
    public func closestPair(in structure: Structure) -> (first: Int, second: Int, distance: Double)? {
        guard minimumDistance > 0, let list = try? NeighborList(structure, cutoff: minimumDistance, kind: .half, threads: 1),
            let p = list.distances.indices.min(by: { list.distances[$0] < list.distances[$1] })
        else { return nil }
        return (Int(list.centers[p]), Int(list.neighbors[p]), list.distances[p])
    }

    private func check(previous: MDState, next: MDState, step: Int) throws(MDError) {
        if let atom = next.calculation.forces.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteForces(step: step, atom: atom)
        }
        for k in next.structure.positions.indices {
            let d = norm(next.structure.positions[k] - previous.structure.positions[k])
            if !(d <= maxDisplacement) {
                throw .displacementTooLarge(step: step, atom: k, distance: d, limit: maxDisplacement)
            }
        }
        if let pair = closestPair(in: next.structure) {
            throw .atomsTooClose(
                step: step, first: pair.first, second: pair.second, distance: pair.distance, limit: minimumDistance)
        }
    }
}
