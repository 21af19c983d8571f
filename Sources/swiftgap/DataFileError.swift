import Atoms
import Foundation

/// An input data file that cannot be used, found before any work is done; names the file's role
/// (training file, test file, start file…), and the line of the offending frame where there is one.
enum DataFileError: Error, CustomStringConvertible {
    /// The file could not be opened or parsed.
    case unreadable(role: String, ExtXYZError)
    /// The file holds no configurations.
    case noConfigurations(role: String, path: String)
    /// A configuration holds an element that the training set has no example of.
    case elementNotInTraining(role: String, path: String, line: Int, configuration: Int, element: Int, training: [Int])
    /// Two atoms of a start configuration are closer than the allowed minimum distance.
    case atomsTooClose(
        role: String, path: String, line: Int, configuration: Int, first: Int, second: Int, distance: Double,
        limit: Double)

    var description: String {
        switch self {
        case let .unreadable(role, error):
            return "the \(role) \(error)"
        case let .noConfigurations(role, path):
            return "the \(role) \(path) holds no configurations; give an extxyz file with at least one frame"
        case let .elementNotInTraining(role, path, line, configuration, element, training):
            return "the \(role) \(path):\(line): configuration \(configuration) contains \(Element.label(element)), which is not "
                + "in the training set (\(training.map(Element.label).joined(separator: ", "))); remove it or add "
                + "\(Element.label(element)) to the training data"
        case let .atomsTooClose(role, path, line, configuration, first, second, distance, limit):
            return "the \(role) \(path):\(line): configuration \(configuration): atoms \(first) and \(second) are "
                + "\(String(format: "%.4g", distance)) Å apart, closer than --min-distance \(limit) Å; fix the structure or "
                + "lower --min-distance (0 disables the check)"
        }
    }
}
