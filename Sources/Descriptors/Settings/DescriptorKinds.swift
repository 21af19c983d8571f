/// The descriptor kinds that JSON settings can name, each with the reader that builds it from its keys.
enum DescriptorKinds {
    /// Builds one kind's descriptor from its settings, asking for every key it takes.
    typealias Reader = @Sendable (inout DescriptorSettings) throws(DescriptorError) -> any Descriptor

    /// Reader by kind name.
    static let readers: [String: Reader] = [
        "acsf": { (s: inout DescriptorSettings) throws(DescriptorError) in try ACSF(settings: &s) },
        "soap": { (s: inout DescriptorSettings) throws(DescriptorError) in try SOAP(settings: &s) },
        "coulomb_matrix": { (s: inout DescriptorSettings) throws(DescriptorError) in try CoulombMatrix(settings: &s) },
        "mbtr": { (s: inout DescriptorSettings) throws(DescriptorError) in try MBTR(settings: &s) },
        "sine_matrix": { (s: inout DescriptorSettings) throws(DescriptorError) in try SineMatrix(settings: &s) },
        "ewald_sum_matrix": { (s: inout DescriptorSettings) throws(DescriptorError) in try EwaldSumMatrix(settings: &s) }
    ]

    /// The kind names, sorted.
    static var names: [String] { readers.keys.sorted() }
}
