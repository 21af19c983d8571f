import Atoms
import Foundation
import Support

/// One time step of an MD integrator.
public protocol Integrator: Sendable {
    /// Time step in fs.
    var timeStep: Double { get }
    /// Whether total momentum is conserved (false for Langevin dynamics, which thermalises all 3N degrees
    /// of freedom, center of mass included).
    var conservesMomentum: Bool { get }
    /// Advances `state` by one step, recomputing forces with `calculator`.
    mutating func step(_ state: inout MDState, calculator: some Calculator) throws
}

extension Integrator {
    public var conservesMomentum: Bool { true }
}

extension MDState {
    /// v += (h/m) F, with F in eV/Å, m in amu, h in fs.
    mutating func kick(_ h: Double) {
        let scale = h * Units.accelerationPerForceOverMass
        for k in velocities.indices { velocities[k] += (scale / masses[k]) * calculation.forces[k] }
    }

    /// r += h v.
    mutating func drift(_ h: Double) {
        for k in velocities.indices { structure.positions[k] += h * velocities[k] }
    }

    /// Recomputes energy, forces and virial at the current positions.
    mutating func recompute(_ calculator: some Calculator) throws {
        calculation = try calculator.calculate(structure)
    }
}

/// Velocity Verlet (NVE): half kick, drift, new forces, half kick — as ASE's `VelocityVerlet`.
public struct VelocityVerlet: Integrator {
    public let timeStep: Double

    /// An integrator with time step `dt` (fs).
    public init(timeStep dt: Double) { timeStep = dt }

    public mutating func step(_ state: inout MDState, calculator: some Calculator) throws {
        state.kick(0.5 * timeStep)
        state.drift(timeStep)
        try state.recompute(calculator)
        state.kick(0.5 * timeStep)
        state.time += timeStep
    }
}

/// Langevin dynamics (NVT) by the BAOAB splitting of Leimkuhler and Matthews: half kick, half drift,
/// exact Ornstein–Uhlenbeck velocity update, half drift, new forces, half kick.
public struct LangevinBAOAB: Integrator {
    public let timeStep: Double
    /// Target temperature, K.
    public let temperature: Double
    /// Friction γ in 1/fs.
    public let friction: Double
    private var rng: SeededGenerator

    public var conservesMomentum: Bool { false }

    /// A thermostatted integrator; `friction` in 1/fs (e.g. 0.01), randomness from `seed`.
    public init(timeStep dt: Double, temperature: Double, friction: Double, seed: UInt64) {
        timeStep = dt
        self.temperature = temperature
        self.friction = friction
        rng = SeededGenerator(seed: seed)
    }

    public mutating func step(_ state: inout MDState, calculator: some Calculator) throws {
        state.kick(0.5 * timeStep)
        state.drift(0.5 * timeStep)
        let c1 = exp(-friction * timeStep), c2 = (1 - c1 * c1).squareRoot()
        let kT = Units.boltzmann * temperature / Units.amuAngstromSquaredPerFsSquaredInEV
        for k in state.velocities.indices {
            let width = c2 * (kT / state.masses[k]).squareRoot()
            state.velocities[k] = c1 * state.velocities[k] + width * SIMD3(rng.normal(), rng.normal(), rng.normal())
        }
        state.drift(0.5 * timeStep)
        try state.recompute(calculator)
        state.kick(0.5 * timeStep)
        state.time += timeStep
    }
}

/// Velocity Verlet with the stochastic velocity-rescaling thermostat of Bussi, Donadio and Parrinello
/// (J. Chem. Phys. 126, 014101 (2007)): the kinetic energy follows the canonical distribution with
/// relaxation time τ; total momentum is conserved.
public struct BussiThermostat: Integrator {
    public let timeStep: Double
    /// Target temperature, K.
    public let temperature: Double
    /// Relaxation time τ, fs.
    public let relaxationTime: Double
    private var rng: SeededGenerator

    /// A thermostatted integrator; `relaxationTime` τ in fs (e.g. 100), randomness from `seed`.
    public init(timeStep dt: Double, temperature: Double, relaxationTime: Double, seed: UInt64) {
        timeStep = dt
        self.temperature = temperature
        self.relaxationTime = relaxationTime
        rng = SeededGenerator(seed: seed)
    }

    public mutating func step(_ state: inout MDState, calculator: some Calculator) throws {
        state.kick(0.5 * timeStep)
        state.drift(timeStep)
        try state.recompute(calculator)
        state.kick(0.5 * timeStep)
        rescale(&state)
        state.time += timeStep
    }

    private mutating func rescale(_ state: inout MDState) {
        let kinetic = state.kineticEnergy
        guard kinetic > 0 else { return }
        let dof = Double(state.degreesOfFreedom)
        let target = 0.5 * dof * Units.boltzmann * temperature
        let c = exp(-timeStep / relaxationTime)
        let r1 = rng.normal()
        var sum = 0.0
        for _ in 1..<max(1, state.degreesOfFreedom) {
            let r = rng.normal()
            sum += r * r
        }
        let ratio = target / (dof * kinetic)
        let alpha2 = c + (1 - c) * (sum + r1 * r1) * ratio + 2 * r1 * (c * (1 - c) * ratio).squareRoot()
        let sign: Double = r1 + (c / ((1 - c) * ratio)).squareRoot() < 0 ? -1 : 1
        let alpha = sign * max(alpha2, 0).squareRoot()
        for k in state.velocities.indices { state.velocities[k] *= alpha }
    }
}
