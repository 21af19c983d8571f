import Foundation

extension MBTR {
    /// DScribe's weighting function: how much each pair or triplet counts, and which ones are left out.
    public enum Weighting: Sendable, Equatable {
        /// Every atom, pair or triplet counts 1 (k = 1, 2, 3; molecules only for k = 2, 3).
        case unity
        /// e^(−s·x), with x the pair distance (k = 2) or the triplet's perimeter (k = 3); terms below
        /// `threshold` are left out. DScribe's `r_cut` sets s = −ln(threshold)/r_cut for k = 2 and
        /// −½·ln(threshold)/r_cut for k = 3.
        case exponential(scale: Double, threshold: Double)
        /// 1/d² for pairs closer than `cutoff` (k = 2).
        case inverseSquare(cutoff: Double)
        /// f(d_ij)·f(d_jk) for triplets whose two legs from the middle atom j are within `cutoff`, with
        /// f(x) = 1 + y·(x/r)^(y+1) − (y+1)·(x/r)^y and y the `sharpness` (k = 3).
        case smoothCutoff(cutoff: Double, sharpness: Double)

        /// The DScribe name.
        public var name: String {
            switch self {
            case .unity: return "unity"
            case .exponential: return "exp"
            case .inverseSquare: return "inverse_square"
            case .smoothCutoff: return "smooth_cutoff"
            }
        }

        /// The weightings DScribe allows for a term of degree `k`.
        static func names(degree k: Int) -> [String] {
            switch k {
            case 1: return ["unity"]
            case 2: return ["unity", "exp", "inverse_square"]
            default: return ["unity", "exp", "smooth_cutoff"]
            }
        }

        /// The longest leg from the listing atom that can contribute (Å), nil when nothing is left out:
        /// the pair distance for k = 2, a leg from the middle atom for k = 3 (a triplet's perimeter within
        /// 2·r_cut keeps every side within r_cut).
        func range(degree k: Int) -> Double? {
            switch self {
            case .unity: return nil
            case let .exponential(scale, threshold): return -log(threshold) / (k == 3 ? 2 * scale : scale)
            case let .inverseSquare(cutoff), let .smoothCutoff(cutoff, _): return cutoff
            }
        }

        /// The weight of a pair at distance `d` and its derivative along d, nil when the pair is left out.
        func pair(_ d: Double) -> (weight: Double, slope: Double)? {
            switch self {
            case .unity, .smoothCutoff: return (1, 0)
            case let .exponential(scale, threshold):
                let w = exp(-scale * d)
                return w < threshold ? nil : (w, -scale * w)
            case .inverseSquare: return (1 / (d * d), -2 / (d * d * d))
            }
        }

        /// The weight of a triplet with legs `du` = |r_i − r_j|, `dv` = |r_k − r_j| and far side `dw` =
        /// |r_k − r_i|, and its derivatives along du, dv and dw; nil when the triplet is left out.
        func triplet(_ du: Double, _ dv: Double, _ dw: Double) -> (weight: Double, slopes: SIMD3<Double>)? {
            switch self {
            case .unity, .inverseSquare: return (1, .zero)
            case let .exponential(scale, threshold):
                let w = exp(-scale * (du + dv + dw))
                return w < threshold ? nil : (w, SIMD3(repeating: -scale * w))
            case let .smoothCutoff(cutoff, y):
                guard du <= cutoff, dv <= cutoff else { return nil }
                let (fu, gu) = Self.smooth(du / cutoff, y), (fv, gv) = Self.smooth(dv / cutoff, y)
                return (fu * fv, SIMD3(gu * fv / cutoff, fu * gv / cutoff, 0))
            }
        }

        /// f(x) = 1 + y·x^(y+1) − (y+1)·x^y and df/dx.
        private static func smooth(_ x: Double, _ y: Double) -> (Double, Double) {
            let p = pow(x, y)
            return (1 + y * p * x - (y + 1) * p, y * (y + 1) * (p - pow(x, y - 1)))
        }
    }
}
