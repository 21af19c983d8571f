import Atoms

/// Runs an integrator step by step, stopping with a clear `MDError` (and the last good state kept) when a
/// step blows up: non-finite forces, an atom moving further than `maxDisplacement` in one step, or two
/// atoms closer than `minimumDistance`.
public struct MDRun {
    /// Largest displacement of any atom in one step, Å.
    public var maxDisplacement: Double
    /// Smallest allowed interatomic distance, Å (0 disables the check).
    public var minimumDistance: Double

    /// Limits for a run.
    public init(maxDisplacement: Double = 0.3, minimumDistance: Double = 0.5) {
        self.maxDisplacement = maxDisplacement
        self.minimumDistance = minimumDistance
    }

    /// Advances `state` by `steps` steps; `observe` sees the state after every step (step numbers from 1).
    /// On error `state` holds the last good state. With an integrator that does not conserve momentum the
    /// temperature counts all 3N degrees of freedom.
    public func run<I: Integrator, C: Calculator>(
        _ state: inout MDState, integrator: inout I, calculator: C, steps: Int,
        observe: (_ step: Int, _ state: MDState) throws -> Void
    ) throws {
        guard steps > 0 else { return }
        if !integrator.conservesMomentum { state.degreesOfFreedom = 3 * state.structure.count }
        for step in 1...steps {
            var next = state
            do {
                try integrator.step(&next, calculator: calculator)
            } catch {
                throw MDError.calculator(step: step, message: "\(error)")
            }
            try check(previous: state, next: next, step: step)
            state = next
            try observe(step, state)
        }
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
        guard minimumDistance > 0, let list = try? NeighborList(next.structure, cutoff: minimumDistance, kind: .half, threads: 1),
              list.pairCount > 0
        else { return }
        let p = list.distances.indices.min { list.distances[$0] < list.distances[$1] }!
        let first = list.centers[p]
        throw .atomsTooClose(step: step, first: Int(first), second: Int(list.neighbors[p]), distance: list.distances[p],
                             limit: minimumDistance)
    }
}
