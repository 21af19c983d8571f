import Atoms
import Evaluation
import Foundation
import Support

/// The `--metrics` JSON of a command: error sets, stage timings and peak memory, written atomically.
struct RunMetrics {
    var sets: [String: ErrorStatistics] = [:]
    var seconds: [(String, Double)] = []
    var extra: [String: Any] = [:]

    /// Peak resident memory of this process in bytes.
    static var peakResidentBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    func write(to path: String) throws {
        var object: [String: Any] = extra
        for (name, statistics) in sets {
            var set: [String: Any] = ErrorStatistics.metrics(statistics.overall)
            var types = [String: Any]()
            for (type, group) in statistics.byConfigType { types[type] = ErrorStatistics.metrics(group) }
            set["config_types"] = types
            set["configurations"] = statistics.overall.configurations
            object[name] = set
        }
        object["seconds"] = Dictionary(seconds, uniquingKeysWith: +)
        object["peak_rss_bytes"] = Self.peakResidentBytes
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(Array(data), to: path)
    }
}
