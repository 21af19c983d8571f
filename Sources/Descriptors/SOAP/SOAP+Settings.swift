extension SOAP {
    /// DScribe's `SOAP` from JSON settings: `species` (symbols or atomic numbers), `r_cut`, `n_max`, `l_max`, `sigma` (default 1),
    /// `periodic` (default false), `average` "off"|"inner"|"outer", `crossover` (default false), `weighting`
    /// null or {`function`: "poly"|"pow"|"exp", `c`, `d`, `r0`, `m`}, `w0`.
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
            centerWeight: try s.optionalDouble("w0"), average: average,
            crossover: try s.bool("crossover", default: false), periodic: try s.bool("periodic", default: false))
    }

    /// DScribe's weighting dictionary, nil when absent.
    private static func weighting(_ s: inout DescriptorSettings) throws(DescriptorError) -> Weighting? {
        guard var w = try s.optionalObject("weighting") else { return nil }
        let function = try w.optionalString("function") ?? "missing"
        let weighting: Weighting
        switch function {
        case "poly": weighting = .poly(c: try w.double("c"), r0: try w.double("r0"), m: try w.double("m"))
        case "pow": weighting = .pow(c: try w.double("c"), d: try w.double("d"), r0: try w.double("r0"), m: try w.double("m"))
        case "exp": weighting = .exp(c: try w.double("c"), d: try w.double("d"), r0: try w.double("r0"))
        default: throw w.invalid("function", function, "must be poly, pow or exp")
        }
        try w.refuseUnread()
        return weighting
    }
}
