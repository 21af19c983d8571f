/// One descriptor of `gap={…}`: its type (the first word, e.g. `soap`, `distance_2b`) and its `key=value`
/// parameters, which mix the descriptor's own (`cutoff`, `l_max`) with its GP settings (`delta`, `n_sparse`,
/// `sparse_method`, `covariance_type`), as gap_fit takes them.
public struct GapFitDescriptorSpec: Equatable, Sendable, GapFitKeyValues {
    /// The type in lower case (gap_fit matches it case-insensitively: `A2_dimer`, `distance_Nb`).
    public let type: String
    /// The type as written.
    public let typeSpelling: String
    /// Offset of the type word in the parsed text.
    public let offset: Int
    /// The descriptor text as gap_fit hands it on (outer braces removed), e.g. `soap l_max=8 n_max=8`.
    public let text: String
    /// The parameters after the type, with the keys read so far.
    public var parameters: GapFitParameters

    /// The descriptors of a `gap=` value: separated by `:` or `;` outside braces; each bare
    /// (`soap cutoff=5`) or braced (`{distance_2b …}:{soap …}`).
    static func list(_ entry: GapFitEntry, source: GapFitSource) throws(GapFitSyntaxError) -> [GapFitDescriptorSpec] {
        guard !entry.valueScalars.isEmpty else { throw .emptyDescriptor(index: 1, at: source.location(entry.valueOffset)) }
        let fields = try GapFitTokenizer.split(
            entry.valueScalars, offsets: entry.valueOffsets, rules: .descriptors, source: source)
        var specs: [GapFitDescriptorSpec] = []
        for (n, field) in fields.enumerated() {
            specs.append(try GapFitDescriptorSpec(field, index: n + 1, source: source))
        }
        return specs
    }

    /// The descriptor `field` holds; `index` (1-based) is for messages.
    private init(_ field: GapFitField, index: Int, source: GapFitSource) throws(GapFitSyntaxError) {
        let all = try GapFitParameters(field.scalars, offsets: field.offsets, source: source)
        guard let first = all.entries.first else {
            throw .emptyDescriptor(index: index, at: source.location(field.start))
        }
        guard first.value == nil else {
            throw .missingDescriptorType(
                index: index, found: "\(first.spelling)=\(first.value ?? "")", at: source.location(first.offset))
        }
        type = first.key
        typeSpelling = first.spelling
        offset = first.offset
        text = field.string.trimmingSpaces
        parameters = GapFitParameters(entries: Array(all.entries.dropFirst()), source: source)
    }
}
