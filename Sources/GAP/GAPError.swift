import Atoms
import Descriptors
import LinearAlgebra
import Support

/// Why a fit or a prediction cannot go ahead.
public enum GAPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The training set has no usable configuration.
    case emptyTrainingSet(file: String)
    /// A configuration's reference data are unusable (NaN, wrong shape, …).
    case badReference(configuration: Int, line: Int, detail: String)
    /// No isolated-atom energy for an element (e0 mode `isolated`).
    case missingIsolatedAtom(element: Int)
    /// Per-element e0 cannot be fitted (e.g. every configuration has the same composition).
    case e0NotDeterminable(detail: String)
    /// An element has fewer atoms than requested sparse points.
    case tooFewAtoms(element: Int, atoms: Int, requested: Int)
    /// A setting is out of range.
    case invalidSetting(name: String, value: String, hint: String)
    /// A structure to predict holds an element the potential was not fitted to.
    case unknownElement(configuration: Int, line: Int, element: Int, known: [Int])
    /// A potential file is unreadable, truncated, corrupt or from a newer version.
    case badPotentialFile(path: String, detail: String)
    /// An entry of a potential file (a metadata field or an array) is out of range, inconsistent or not finite.
    case badPotentialEntry(path: String, entry: String, detail: String)
    /// A linear-algebra step failed (with what to do about it).
    case solver(stage: String, LinearAlgebraError)
    /// A descriptor could not be computed.
    case descriptor(DescriptorError)
    /// A potential's parts do not fit together (sparse points of the wrong length, variance factors that
    /// do not match the models, …).
    case inconsistentPotential(detail: String)
    /// A distributed fit stopped: a rank failed (its message) or the ranks lost each other.
    case distributed(DistributedError)

    public var description: String {
        switch self {
        case let .emptyTrainingSet(file):
            return "\(file): no configuration with an energy, forces or virial to fit to"
        case let .badReference(configuration, line, detail):
            return "configuration \(configuration)\(line > 0 ? " (line \(line))" : ""): \(detail)"
        case let .missingIsolatedAtom(z):
            return "no isolated-atom energy for \(Element.label(z)): add a single-atom configuration (or config_type "
                + "isolated_atom), or use --e0 average, --e0 fit, or --e0 \(Element.label(z))=<energy>"
        case let .e0NotDeterminable(detail):
            return "per-element e0 cannot be fitted: \(detail); use --e0 isolated, average or explicit values"
        case let .tooFewAtoms(z, atoms, requested):
            return "\(Element.label(z)) has \(atoms) atoms in the training set, fewer than the \(requested) sparse points "
                + "requested; lower --n-sparse for it (e.g. --n-sparse 500,\(Element.label(z))=\(atoms))"
        case let .invalidSetting(name, value, hint):
            return "invalid \(name) = \(value): \(hint)"
        case let .unknownElement(configuration, line, z, known):
            return
                "configuration \(configuration)\(line > 0 ? " (line \(line))" : "") contains \(Element.label(z)), but the potential knows only "
                + known.map(Element.label).joined(separator: ", ")
        case let .badPotentialFile(path, detail):
            return "\(path): \(detail)"
        case let .badPotentialEntry(path, entry, detail):
            return "\(path): \(entry) \(detail); the file is damaged or was edited: restore it or fit the potential again"
        case let .solver(stage, error):
            return "\(stage) failed: \(error)"
        case let .descriptor(error):
            return "\(error)"
        case let .inconsistentPotential(detail):
            return "the potential's parts do not fit together: \(detail); refit it, or rebuild it from matching parts"
        case let .distributed(error):
            return "\(error)"
        }
    }
}
