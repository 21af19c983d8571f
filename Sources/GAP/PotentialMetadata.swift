import Atoms
import Foundation

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
    /// SOAP descriptor settings (nil: no SOAP term).
    public var soap: SOAPSettings?
    /// The SOAP term's kernel.
    public var kernel: PolynomialKernel?
    /// The 2- and 3-body terms, in the order of their arrays `term_K_…`.
    public var terms: [TermEntry]
    /// The fixed potential under the model.
    public var core: CorePotential?
    /// Isolated-atom energies by element symbol, eV.
    public var e0: [String: Double]
    /// SOAP sparse points per element symbol.
    public var sparsePoints: [String: Int]
    /// How the potential was fitted.
    public var fit: FitRecord
    /// Whether variance factors are stored.
    public var hasVariance: Bool
    /// Factors on the predicted standard deviations, fitted on validation data (absent: none).
    public var calibration: UncertaintyCalibration?

    /// The `format` value.
    public static let formatName = "swiftgap-potential"
    /// The layout version this code writes and the newest it reads. Version 3 stores the variance factor L
    /// as its blocks (`variance_lower_blocks`) instead of a dense triangle (`variance_lower`, still read);
    /// version 2 added the 2- and 3-body terms and made the SOAP term optional; version 1 files (SOAP only,
    /// some with a flat fit record) read as well: their arrays are laid out alike.
    public static let currentVersion = 3

    /// What the metadata says of one 2- or 3-body term; its arrays are `term_K_sparse` [M, D],
    /// `term_K_cutoff` [M] and `term_K_alpha` [M] for the term's index K.
    public struct TermEntry: Codable, Equatable, Sendable {
        /// The descriptor.
        public var descriptor: GeometricDescriptor
        /// The kernel.
        public var kernel: SquaredExponentialKernel
        /// Number of sparse points M.
        public var sparsePoints: Int

        /// An entry.
        public init(descriptor: GeometricDescriptor, kernel: SquaredExponentialKernel, sparsePoints: Int) {
            self.descriptor = descriptor
            self.kernel = kernel
            self.sparsePoints = sparsePoints
        }

        enum CodingKeys: String, CodingKey { case descriptor, kernel, sparsePoints = "sparse_points" }
    }

    /// Metadata of a potential written now.
    public init(
        codeVersion: String, created: String, soap: SOAPSettings?, kernel: PolynomialKernel?, terms: [TermEntry] = [],
        core: CorePotential? = nil, e0: [String: Double], sparsePoints: [String: Int], fit: FitRecord, hasVariance: Bool
    ) {
        self.codeVersion = codeVersion
        self.created = created
        self.soap = soap
        self.kernel = kernel
        self.terms = terms
        self.core = core
        self.e0 = e0
        self.sparsePoints = sparsePoints
        self.fit = fit
        self.hasVariance = hasVariance
    }

    /// The metadata of `potential` fitted as `fit`, written now by SwiftGAP `codeVersion`.
    public init(describing potential: GAPPotential, fit: FitRecord, codeVersion: String) {
        self.init(
            codeVersion: codeVersion, created: ISO8601DateFormatter().string(from: Date()), soap: potential.soap?.settings,
            kernel: potential.soap?.kernel,
            terms: potential.terms.map {
                TermEntry(descriptor: $0.sparse.descriptor, kernel: $0.sparse.kernel, sparsePoints: $0.sparse.count)
            }, core: potential.core,
            e0: Dictionary(uniqueKeysWithValues: potential.e0.map { (Element.label($0.key), $0.value) }),
            sparsePoints: Dictionary(
                uniqueKeysWithValues: (potential.soap?.models ?? [:]).map { (SOAPTerm.centerLabel($0.key), $0.value.points.rows) }),
            fit: fit, hasVariance: potential.variance != nil)
        calibration = potential.calibration
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", codeVersion = "code_version", created, soap, kernel, terms, core, e0
        case sparsePoints = "sparse_points", fit, hasVariance = "has_variance", calibration
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        codeVersion = try c.decodeIfPresent(String.self, forKey: .codeVersion) ?? "unknown"
        created = try c.decodeIfPresent(String.self, forKey: .created) ?? "unknown"
        // Version 1 always has a SOAP term; later versions write it only when the model has one.
        soap =
            formatVersion < 2
            ? try c.decode(SOAPSettings.self, forKey: .soap) : try c.decodeIfPresent(SOAPSettings.self, forKey: .soap)
        kernel =
            soap == nil
            ? try c.decodeIfPresent(PolynomialKernel.self, forKey: .kernel) : try c.decode(PolynomialKernel.self, forKey: .kernel)
        terms = try c.decodeIfPresent([TermEntry].self, forKey: .terms) ?? []
        core = try c.decodeIfPresent(CorePotential.self, forKey: .core)
        e0 = try c.decode([String: Double].self, forKey: .e0)
        sparsePoints = try c.decode([String: Int].self, forKey: .sparsePoints)
        hasVariance = try c.decode(Bool.self, forKey: .hasVariance)
        calibration = try c.decodeIfPresent(UncertaintyCalibration.self, forKey: .calibration)
        let record = try c.superDecoder(forKey: .fit)
        fit = try FitRecord(from: record)
        if FitRecord.isVersion1(record) {
            // A flat record did not keep these; they are the ones the file holds.
            fit.settings.soap = soap
            if let kernel { fit.settings.kernel = kernel }
            fit.settings.storeVariance = hasVariance
        }
    }
}
