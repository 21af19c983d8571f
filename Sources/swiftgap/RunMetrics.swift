import Evaluation
import Foundation

/// The `--metrics` JSON of `fit` and `predict`: per data set (train, test) the errors overall, per
/// config_type and the number of configurations; stage timings in seconds; peak memory.
struct RunMetrics: Encodable {
    /// The errors of one data set: the overall metrics beside `config_types` and `configurations`.
    struct SetErrors: Encodable {
        /// Errors over all configurations.
        var overall: ErrorMetrics
        /// Errors per config_type.
        var configTypes: [String: ErrorMetrics]
        /// Configurations in the set.
        var configurations: Int

        private enum CodingKeys: String, CodingKey {
            case configTypes = "config_types", configurations
        }

        /// The errors of `statistics`.
        init(_ statistics: ErrorStatistics) {
            overall = ErrorMetrics(statistics.overall)
            configTypes = statistics.byConfigType.mapValues(ErrorMetrics.init)
            configurations = statistics.overall.configurations
        }

        func encode(to encoder: Encoder) throws {
            try overall.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(configTypes, forKey: .configTypes)
            try container.encode(configurations, forKey: .configurations)
        }
    }

    /// Errors by data-set name.
    var sets: [String: SetErrors] = [:]
    /// Predicted standard deviations against the errors, by data-set name (written as `<set>_uncertainty`).
    var uncertainty: [String: UncertaintyReport] = [:]
    /// Seconds by stage.
    var seconds: [String: Double] = [:]
    /// Peak resident memory, bytes.
    var peakResidentBytes = Self.currentPeakResidentBytes

    /// The keys beside the data-set names.
    private struct Key: CodingKey {
        static let seconds = Key(stringValue: "seconds"), peakResidentBytes = Key(stringValue: "peak_rss_bytes")
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Metrics of data sets and stage timings, with the peak memory so far.
    init(sets: [String: ErrorStatistics], seconds: [(String, Double)]) {
        self.sets = sets.mapValues(SetErrors.init)
        self.seconds = Dictionary(seconds, uniquingKeysWith: +)
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, set) in sets { try container.encode(set, forKey: Key(stringValue: name)) }
        for (name, report) in uncertainty { try container.encode(report, forKey: Key(stringValue: name + "_uncertainty")) }
        try container.encode(seconds, forKey: .seconds)
        try container.encode(peakResidentBytes, forKey: .peakResidentBytes)
    }

    /// Peak resident memory of this process in bytes.
    static var currentPeakResidentBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Writes the metrics as JSON to `path`.
    func write(to path: String) throws { try JSONFile.write(self, to: path) }
}
