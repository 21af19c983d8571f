import ArgumentParser

/// A duration on the command line: seconds, or a number with s, m or h (90, 90s, 30m, 1.5h).
struct DurationArgument: ExpressibleByArgument {
    /// The duration, s.
    var seconds: Double

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        let (number, scale) = argument.last.flatMap { units[$0] }.map { (argument.dropLast(), $0) } ?? (Substring(argument), 1)
        guard let value = Double(number), value > 0, value.isFinite else { return nil }
        seconds = value * scale
    }
}
