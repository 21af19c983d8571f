import Evaluation

/// How a potential was fitted, as its file records it: the settings, the training data, the size and
/// conditioning of the problem, errors, stage times and warnings. Decoded leniently: records of format 1
/// (a flat object of settings and results) keep their key names and decode with their settings rebuilt.
public struct FitRecord: Codable, Equatable, Sendable {
    /// The settings of the fit as given (an empty `soap.speciesZ` means the training set's elements).
    public var settings: FitSettings
    /// The training file as given.
    public var trainingFile: String
    /// SHA-256 of the training file, hexadecimal.
    public var trainingSHA256: String
    /// Configurations in the training file.
    public var trainingConfigurations: Int
    /// The test file, when errors on one were measured.
    public var testFile: String?
    /// Rows of the least-squares problem (energies, force and virial components).
    public var observations: Int
    /// Reciprocal condition number of the final triangular factor (0 when unknown).
    public var reciprocalCondition: Double
    /// Errors on the training set.
    public var trainErrors: ErrorMetrics?
    /// Errors on the test set.
    public var testErrors: ErrorMetrics?
    /// Seconds spent per stage, by stage name.
    public var stageSeconds: [String: Double]
    /// Warnings the fit printed.
    public var warnings: [String]
    /// The command line that asked for the fit (e.g. the gap_fit arguments given to `swiftgap gap_fit`).
    public var command: String?

    /// A record.
    public init(
        settings: FitSettings, trainingFile: String, trainingSHA256: String, trainingConfigurations: Int, testFile: String? = nil,
        observations: Int, reciprocalCondition: Double, trainErrors: ErrorMetrics? = nil, testErrors: ErrorMetrics? = nil,
        stageSeconds: [String: Double] = [:], warnings: [String] = []
    ) {
        self.settings = settings
        self.trainingFile = trainingFile
        self.trainingSHA256 = trainingSHA256
        self.trainingConfigurations = trainingConfigurations
        self.testFile = testFile
        self.observations = observations
        self.reciprocalCondition = reciprocalCondition
        self.trainErrors = trainErrors
        self.testErrors = testErrors
        self.stageSeconds = stageSeconds
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case settings, trainingFile = "training_file", trainingSHA256 = "training_sha256"
        case trainingConfigurations = "training_configurations", testFile = "test_file", observations = "rows"
        case reciprocalCondition = "reciprocal_condition", trainErrors = "train_errors", testErrors = "test_errors"
        case stageSeconds = "seconds", warnings, command
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        settings = try c.decodeIfPresent(FitSettings.self, forKey: .settings) ?? (try FitSettings(version1: decoder))
        trainingFile = try c.decodeIfPresent(String.self, forKey: .trainingFile) ?? ""
        trainingSHA256 = try c.decodeIfPresent(String.self, forKey: .trainingSHA256) ?? ""
        trainingConfigurations = try c.decodeIfPresent(Int.self, forKey: .trainingConfigurations) ?? 0
        testFile = try c.decodeIfPresent(String.self, forKey: .testFile)
        observations = try c.decodeIfPresent(Int.self, forKey: .observations) ?? 0
        reciprocalCondition = try c.decodeIfPresent(Double.self, forKey: .reciprocalCondition) ?? 0
        trainErrors = try c.decodeIfPresent(ErrorMetrics.self, forKey: .trainErrors)
        testErrors = try c.decodeIfPresent(ErrorMetrics.self, forKey: .testErrors)
        stageSeconds = try c.decodeIfPresent([String: Double].self, forKey: .stageSeconds) ?? [:]
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        command = try c.decodeIfPresent(String.self, forKey: .command)
    }

    /// Whether the record at `decoder` is of format 1 (flat settings, no `settings` object).
    static func isVersion1(_ decoder: any Decoder) -> Bool {
        (try? decoder.container(keyedBy: CodingKeys.self).contains(.settings)) == false
    }
}
