import Foundation

extension MBTR {
    /// DScribe 2.1's `MBTR` from JSON settings: `geometry` {`function`}, `grid` {`min`, `max`, `n`, `sigma`},
    /// `weighting` null or {`function`: "unity" | "exp" (`threshold` and `scale` or `r_cut`) |
    /// "inverse_square" (`r_cut`) | "smooth_cutoff" (`r_cut`, `sharpness` default 2)}, `normalize_gaussians`
    /// (default true), `normalization` "none" | "l2" | "n_atoms" | "valle_oganov" (default none), `species`,
    /// `periodic` (default false).
    /// - Throws: `DescriptorError.invalidSetting` for a missing, mistyped, unknown or out-of-range value.
    init(settings s: inout DescriptorSettings) throws(DescriptorError) {
        guard let species = try s.optionalSpecies() else {
            throw s.invalid("species", "missing", "give the element symbols or atomic numbers, e.g. [\"H\", \"O\"]")
        }
        guard var g = try s.optionalObject("geometry") else {
            throw s.invalid("geometry", "missing", "give {\"function\": one of \(Self.geometryNames)}")
        }
        let function = try g.optionalString("function") ?? "missing"
        guard let geometry = Geometry(rawValue: function) else {
            throw g.invalid("function", function, "must be one of \(Self.geometryNames)")
        }
        try g.refuseUnread()
        guard var grid = try s.optionalObject("grid") else {
            throw s.invalid("grid", "missing", "give {\"min\", \"max\", \"n\", \"sigma\"}")
        }
        let gridValue = try Grid(
            min: try grid.double("min"), max: try grid.double("max"), n: try grid.int("n"), sigma: try grid.double("sigma"))
        try grid.refuseUnread()
        let normalizationName = try s.optionalString("normalization") ?? "none"
        guard let normalization = Normalization(rawValue: normalizationName) else {
            throw s.invalid("normalization", normalizationName, "must be none, l2, n_atoms or valle_oganov")
        }
        try self.init(
            geometry: geometry, grid: gridValue, weighting: try Self.weighting(&s, degree: geometry.degree),
            normalizeGaussians: try s.bool("normalize_gaussians", default: true), normalization: normalization,
            species: species, periodic: try s.bool("periodic", default: false))
    }

    private static var geometryNames: String { Geometry.allCases.map(\.rawValue).joined(separator: ", ") }

    /// DScribe's weighting dictionary (unity when absent).
    private static func weighting(_ s: inout DescriptorSettings, degree k: Int) throws(DescriptorError) -> Weighting {
        guard var w = try s.optionalObject("weighting") else { return .unity }
        let function = try w.optionalString("function") ?? "missing"
        let weighting: Weighting
        switch function {
        case "unity": weighting = .unity
        case "exp":
            let threshold = try w.double("threshold")
            guard threshold > 0, threshold < 1 else { throw w.invalid("threshold", threshold, "must be between 0 and 1") }
            let scale = try w.optionalDouble("scale"), cutoff = try w.optionalDouble("r_cut")
            switch (scale, cutoff) {
            case let (scale?, nil): weighting = .exponential(scale: scale, threshold: threshold)
            case let (nil, cutoff?):
                guard cutoff > 0 else { throw w.invalid("r_cut", cutoff, "must be positive") }
                // DScribe: s = −ln(threshold)/r_cut, halved for k = 3 where x is a triplet's perimeter.
                let scale = -log(threshold) / cutoff
                weighting = .exponential(scale: k == 3 ? 0.5 * scale : scale, threshold: threshold)
            default:
                throw w.invalid(
                    "scale, r_cut", "\(scale.map { "\($0)" } ?? "missing"), \(cutoff.map { "\($0)" } ?? "missing")",
                    "give either scale or r_cut, not both")
            }
        case "inverse_square": weighting = .inverseSquare(cutoff: try w.double("r_cut"))
        case "smooth_cutoff":
            weighting = .smoothCutoff(cutoff: try w.double("r_cut"), sharpness: try w.optionalDouble("sharpness") ?? 2)
        default: throw w.invalid("function", function, "must be one of \(Weighting.names(degree: k).joined(separator: ", "))")
        }
        try w.refuseUnread()
        return weighting
    }
}
