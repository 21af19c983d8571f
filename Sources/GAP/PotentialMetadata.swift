/// The self-description stored in every potential file (the `metadata` array, JSON text).
public struct PotentialMetadata: Codable, Equatable, Sendable {
    /// Always "swiftgap-potential".
    public var format = PotentialMetadata.formatName
    /// Version of the file layout; readers refuse newer ones.
    public var formatVersion = PotentialMetadata.currentVersion
    /// The SwiftGAP version that wrote the file.
    public var codeVersion: String
    /// When the file was written (ISO 8601).
    public var created: String
    /// Descriptor settings.
    public var soap: SOAPSettings
    /// Kernel.
    public var kernel: PolynomialKernel
    /// Isolated-atom energies by element symbol, eV.
    public var e0: [String: Double]
    /// Sparse points per element symbol.
    public var sparsePoints: [String: Int]
    /// How the potential was fitted.
    public var fit: FitRecord
    /// Whether variance factors are stored.
    public var hasVariance: Bool

    /// The `format` value.
    public static let formatName = "swiftgap-potential"
    /// The layout version this code writes and the newest it reads. Version 1 files with a flat fit
    /// record (settings as the command line gave them) read as well: the arrays are laid out alike.
    public static let currentVersion = 1

    /// Metadata of a potential written now.
    public init(
        codeVersion: String, created: String, soap: SOAPSettings, kernel: PolynomialKernel, e0: [String: Double],
        sparsePoints: [String: Int], fit: FitRecord, hasVariance: Bool
    ) {
        self.codeVersion = codeVersion
        self.created = created
        self.soap = soap
        self.kernel = kernel
        self.e0 = e0
        self.sparsePoints = sparsePoints
        self.fit = fit
        self.hasVariance = hasVariance
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", codeVersion = "code_version", created, soap, kernel, e0
        case sparsePoints = "sparse_points", fit, hasVariance = "has_variance"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        codeVersion = try c.decodeIfPresent(String.self, forKey: .codeVersion) ?? "unknown"
        created = try c.decodeIfPresent(String.self, forKey: .created) ?? "unknown"
        soap = try c.decode(SOAPSettings.self, forKey: .soap)
        kernel = try c.decode(PolynomialKernel.self, forKey: .kernel)
        e0 = try c.decode([String: Double].self, forKey: .e0)
        sparsePoints = try c.decode([String: Int].self, forKey: .sparsePoints)
        hasVariance = try c.decode(Bool.self, forKey: .hasVariance)
        let record = try c.superDecoder(forKey: .fit)
        fit = try FitRecord(from: record)
        if FitRecord.isVersion1(record) {
            // A flat record did not keep these; they are the ones the file holds.
            fit.settings.soap = soap
            fit.settings.kernel = kernel
            fit.settings.storeVariance = hasVariance
        }
    }
}
