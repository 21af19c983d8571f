import Foundation

/// A folder of its own under the system's temporary directory, removed with everything in it when the last
/// reference goes (so that a test leaves nothing behind, even when it fails).
public final class TemporaryFolder {
    /// The folder.
    public let url: URL

    /// Creates `prefix-<UUID>` under the temporary directory.
    public init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` in the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
