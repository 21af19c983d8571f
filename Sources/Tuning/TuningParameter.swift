/// A setting `HyperparameterSearch` may vary, by the name `tune --search` lists it under.
public enum TuningParameter: String, CaseIterable, Codable, Sendable {
    case cutoff, nMax = "n_max", lMax = "l_max", atomSigma = "atom_sigma", delta, sigmaEnergy = "sigma_energy"
    case sigmaForce = "sigma_force", nSparse = "n_sparse", zeta, twoBody = "2b"

    /// The order the search takes them in: the σ and δ (re-solved from kept kernel rows in seconds), then
    /// the kernel and descriptor settings (each value a new set of kernel rows), from the cheapest to compute
    /// to the dearest; the sparse-point count last, at full size.
    public static let searchOrder: [TuningParameter] = [
        .sigmaForce, .sigmaEnergy, .delta, .zeta, .twoBody, .atomSigma, .lMax, .nMax, .cutoff, .nSparse
    ]

    /// Whether a new value needs new kernel rows (descriptors, kernel or sparse points change); σ and δ do not.
    public var needsKernelRows: Bool { ![.sigmaEnergy, .sigmaForce, .delta].contains(self) }

    /// The values next to `settings`' on either side (below first), in the search's steps: σ and δ by factors
    /// of 2, ζ by 1 (within 2…8: ζ = 1 is a linear model, whose rank stops at the descriptor's length) and the
    /// basis sizes by 2, atom_sigma by 0.1 Å, the cutoff by 0.5 Å, the 2-body term on or
    /// off, the sparse-point count doubled; values outside their ranges are left out.
    public func neighbors(of settings: TrialSettings) -> [TrialSettings] {
        func with(_ change: (inout TrialSettings) -> Void) -> TrialSettings {
            var s = settings
            change(&s)
            return s
        }
        switch self {
        case .sigmaEnergy: return [with { $0.sigmaEnergy /= 2 }, with { $0.sigmaEnergy *= 2 }]
        case .sigmaForce: return [with { $0.sigmaForce /= 2 }, with { $0.sigmaForce *= 2 }]
        case .delta: return [with { $0.delta /= 2 }, with { $0.delta *= 2 }]
        case .zeta:
            return (settings.zeta >= 3 ? [with { $0.zeta -= 1 }] : []) + (settings.zeta + 1 <= 8 ? [with { $0.zeta += 1 }] : [])
        case .nMax:
            return (settings.nMax > 2 ? [with { $0.nMax -= 2 }] : []) + (settings.nMax + 2 <= 16 ? [with { $0.nMax += 2 }] : [])
        case .lMax:
            return (settings.lMax >= 2 ? [with { $0.lMax -= 2 }] : []) + (settings.lMax + 2 <= 12 ? [with { $0.lMax += 2 }] : [])
        case .atomSigma:
            return (settings.atomSigma > 0.15 ? [with { $0.atomSigma = Self.rounded($0.atomSigma - 0.1) }] : [])
                + [with { $0.atomSigma = Self.rounded($0.atomSigma + 0.1) }]
        case .cutoff:
            return (settings.cutoff - 0.5 > settings.cutoffWidth + 1 ? [with { $0.cutoff -= 0.5 }] : [])
                + [with { $0.cutoff += 0.5 }]
        case .twoBody: return [with { $0.twoBody.toggle() }]
        case .nSparse: return [with { $0.sparseScale *= 2 }]
        }
    }

    /// `x` to 0.01 (what a step of 0.1 leaves after rounding errors).
    private static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
