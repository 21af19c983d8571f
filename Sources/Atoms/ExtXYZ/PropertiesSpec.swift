/// The `Properties=name:type:width:…` declaration of an extxyz frame's atom columns.
struct PropertiesSpec: Equatable {
    /// One column group: a name, a type letter (S, R, I, L) and a width.
    struct Column: Equatable {
        var name: String
        var type: Character
        var width: Int
    }

    /// Most tokens one atom line may declare (all widths together); far above any real file, and small
    /// enough that a frame's sizes never overflow.
    static let maximumTokensPerAtom = 1 << 20

    /// Column groups in line order.
    var columns: [Column]

    /// Total number of whitespace-separated tokens per atom line (at most `maximumTokensPerAtom`).
    let tokenCount: Int

    /// The plain-xyz default: species and positions.
    static let standard = PropertiesSpec(columns: [
        Column(name: "species", type: "S", width: 1),
        Column(name: "pos", type: "R", width: 3)
    ])

    /// A declaration of `columns` as they are (the writer's, which come from a valid structure).
    init(columns: [Column]) {
        self.columns = columns
        tokenCount = columns.reduce(0) { $0 + $1.width }
    }

    /// Parses a declaration: name:type:width triples with types S, R, I or L, positive widths, distinct
    /// names, and at most `maximumTokensPerAtom` tokens in all.
    /// - Throws: a description of the first problem, naming the offending field.
    init(_ text: String) throws(PropertiesSpec.Problem) {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count % 3 == 0 else { throw Problem("has \(fields.count) fields, not name:type:width triples") }
        var columns = [Column]()
        var total = 0
        for k in stride(from: 0, to: fields.count, by: 3) {
            let name = String(fields[k]), typeField = fields[k + 1], widthField = fields[k + 2]
            guard !name.isEmpty else { throw Problem("has an empty column name") }
            guard let type = typeField.first, typeField.count == 1, "SRIL".contains(type) else {
                throw Problem("gives column '\(name)' the type '\(typeField)', not S, R, I or L")
            }
            guard let width = Int(widthField), width > 0 else {
                throw Problem("gives column '\(name)' the width '\(widthField)', not a positive integer")
            }
            guard !columns.contains(where: { $0.name == name }) else {
                throw Problem("names the column '\(name)' twice")
            }
            // Both terms are at most maximumTokensPerAtom here, so the sum cannot overflow.
            guard width <= Self.maximumTokensPerAtom, total + width <= Self.maximumTokensPerAtom else {
                throw Problem(
                    "gives column '\(name)' the width \(width), which makes more than the "
                        + "\(Self.maximumTokensPerAtom) columns an atom line may have")
            }
            total += width
            columns.append(Column(name: name, type: type, width: width))
        }
        self.columns = columns
        tokenCount = total
    }

    /// The declaration text.
    var text: String { columns.map { "\($0.name):\($0.type):\($0.width)" }.joined(separator: ":") }

    /// Why a `Properties` value was rejected: completes "Properties …".
    struct Problem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
