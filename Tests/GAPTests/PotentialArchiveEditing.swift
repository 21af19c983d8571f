import Archive

/// A written potential's arrays and metadata, to be tampered with by hardening tests.
struct PotentialArchiveParts {
    let arrays: [String: NPZReader.Array]
    let metadata: String

    /// The archive with `metadata` (JSON text, default the original) and arrays replaced or, for nil, dropped.
    func archive(metadata: String? = nil, replacing replacements: [String: NPZReader.Array?] = [:]) -> [UInt8] {
        var writer = NPZWriter()
        writer.add("metadata", text: metadata ?? self.metadata)
        var all = arrays.filter { $0.key != "metadata" }
        for (name, array) in replacements { all[name] = array }
        for (name, array) in all.sorted(by: { $0.key < $1.key }) {
            switch array {
            case let .doubles(v, shape): writer.add(name, v, shape: shape)
            case let .ints(v, shape): writer.add(name, v, shape: shape)
            case let .bytes(v, _): writer.add(name, text: String(decoding: v, as: UTF8.self))
            }
        }
        return writer.bytes()
    }
}
