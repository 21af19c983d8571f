/// Periodic boundary conditions along the three lattice vectors.
public struct Periodicity: Equatable, Hashable, Sendable {
    /// Periodic along lattice vector a, b, c.
    public var a: Bool, b: Bool, c: Bool

    /// Periodicity along each lattice vector.
    public init(_ a: Bool, _ b: Bool, _ c: Bool) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// Periodic along every axis.
    public static let all = Periodicity(true, true, true)
    /// Periodic along no axis (a molecule or cluster).
    public static let none = Periodicity(false, false, false)

    /// Periodicity along axis `i` (0, 1, 2).
    public subscript(i: Int) -> Bool {
        get { i == 0 ? a : (i == 1 ? b : c) }
        set {
            switch i {
            case 0: a = newValue
            case 1: b = newValue
            default: c = newValue
            }
        }
    }

    /// The three flags as an array.
    public var flags: [Bool] { [a, b, c] }

    /// True when any axis is periodic.
    public var isAnyPeriodic: Bool { a || b || c }
}
