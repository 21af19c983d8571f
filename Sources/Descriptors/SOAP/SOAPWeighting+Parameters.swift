extension SOAP.Weighting {
    /// The parameters each of DScribe's weighting functions takes, in DScribe's order.
    public static let parameterNames = ["poly": ["c", "r0", "m"], "pow": ["c", "d", "r0", "m"], "exp": ["c", "d", "r0"]]

    /// The weighting `function` ("poly", "pow" or "exp") with its named `parameters`, each of the function's
    /// given once (what the JSON settings and `swiftgap describe --weighting` both read).
    /// - Throws: `DescriptorError.invalidSetting` for an unknown function, or a parameter missing or one the
    ///   function does not take.
    public init(function: String, parameters: [String: Double]) throws(DescriptorError) {
        guard let names = Self.parameterNames[function] else {
            throw .invalidSetting(name: "weighting function", value: function, hint: "must be poly, pow or exp")
        }
        if let other = parameters.keys.sorted().first(where: { !names.contains($0) }) {
            throw .invalidSetting(
                name: "weighting \(function)", value: other, hint: "takes \(names.joined(separator: ", ")) only")
        }
        var values = [Double]()
        for name in names {
            guard let value = parameters[name] else {
                throw .invalidSetting(name: "weighting \(function)", value: "missing \(name)", hint: "give \(name)")
            }
            values.append(value)
        }
        switch function {
        case "poly": self = .poly(c: values[0], r0: values[1], m: values[2])
        case "pow": self = .pow(c: values[0], d: values[1], r0: values[2], m: values[3])
        default: self = .exp(c: values[0], d: values[1], r0: values[2])
        }
    }
}
