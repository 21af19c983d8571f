import Atoms

extension SOAP {
    /// DScribe's `SOAP` from JSON settings: `species` (symbols or atomic numbers), `r_cut`, `n_max`, `l_max`, `sigma` (default 1),
    /// `periodic` (default false), `average` "off"|"inner"|"outer", `compression` "off"|"crossover"|"mu2"|"mu1nu1" (or
    /// `crossover` true, its older spelling), `species_weights` (null, or one number per entry of `species`: DScribe's
    /// `species_weighting` in that order), `weighting` null or {`function`: "poly"|"pow"|"exp", `c`, `d`, `r0`, `m`},
    /// `w0`.
    /// - Throws: `DescriptorError.invalidSetting` for a missing, mistyped or out-of-range value.
    init(settings s: inout DescriptorSettings) throws(DescriptorError) {
        guard let species = try s.optionalSpecies() else {
            throw s.invalid("species", "missing", "give the element symbols or atomic numbers, e.g. [\"H\", \"O\"]")
        }
        let averageName = try s.optionalString("average") ?? "off"
        guard let average = Averaging(rawValue: averageName) else {
            throw s.invalid("average", averageName, "must be off, inner or outer")
        }
        self = try SOAP.dscribe(
            species: species, cutoff: try s.double("r_cut"), nMax: try s.int("n_max"), lMax: try s.int("l_max"),
            atomSigma: try s.optionalDouble("sigma") ?? 1, weighting: try Self.weighting(&s),
            centerWeight: try s.optionalDouble("w0"), average: average, compression: try Self.compression(&s),
            speciesWeights: try Self.speciesWeights(&s, species: species), periodic: try s.bool("periodic", default: false))
    }

    /// `compression`, or the older `crossover: true`; both given must agree.
    private static func compression(_ s: inout DescriptorSettings) throws(DescriptorError) -> Compression {
        let crossover = try s.bool("crossover", default: false)
        guard let name = try s.optionalString("compression") else { return crossover ? .crossover : .off }
        guard let mode = Compression(rawValue: name) else {
            throw s.invalid("compression", name, "must be off, crossover, mu2 or mu1nu1")
        }
        guard !crossover || mode == .crossover else {
            throw s.invalid("crossover", true, "contradicts compression \"\(name)\"; give only compression")
        }
        return mode
    }

    /// `species_weights`, one per entry of `species`, as a weight per atomic number.
    private static func speciesWeights(
        _ s: inout DescriptorSettings, species: [Int]
    ) throws(DescriptorError) -> [Int: Double] {
        guard let weights = try s.optionalDoubles("species_weights") else { return [:] }
        guard weights.count == species.count else {
            throw s.invalid("species_weights", weights, "give one weight per entry of species (\(species.count))")
        }
        var out = [Int: Double]()
        for (z, w) in zip(species, weights) {
            if let other = out[z], other != w {
                throw s.invalid("species_weights", weights, "\(Element.symbol(z)!) is listed twice with different weights")
            }
            out[z] = w
        }
        return out
    }

    /// DScribe's weighting dictionary, nil when absent.
    private static func weighting(_ s: inout DescriptorSettings) throws(DescriptorError) -> Weighting? {
        guard var w = try s.optionalObject("weighting") else { return nil }
        let function = try w.optionalString("function") ?? "missing"
        guard let names = Weighting.parameterNames[function] else {
            throw w.invalid("function", function, "must be poly, pow or exp")
        }
        var parameters = [String: Double]()
        for name in names { parameters[name] = try w.double(name) }
        let weighting = try Weighting(function: function, parameters: parameters)
        try w.refuseUnread()
        return weighting
    }
}
