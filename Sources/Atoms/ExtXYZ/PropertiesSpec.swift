/// The `Properties=name:type:width:…` declaration of an extxyz frame's atom columns.
struct PropertiesSpec: Equatable {
    /// One column group: a name, a type letter (S, R, I, L) and a width.
    struct Column: Equatable {
        var name: String
        var type: Character
        var width: Int
    }

    /// Column groups in line order.
    var columns: [Column]

    /// The plain-xyz default: species and positions.
    static let standard = PropertiesSpec(columns: [Column(name: "species", type: "S", width: 1),
                                                   Column(name: "pos", type: "R", width: 3)])

    init(columns: [Column]) { self.columns = columns }

    /// Parses a declaration; nil unless it is name:type:width triples with known types and positive widths.
    init?(_ text: String) {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard !fields.isEmpty, fields.count % 3 == 0 else { return nil }
        var columns = [Column]()
        for k in stride(from: 0, to: fields.count, by: 3) {
            guard let type = fields[k + 1].first, fields[k + 1].count == 1, "SRIL".contains(type),
                  let width = Int(fields[k + 2]), width > 0, !fields[k].isEmpty
            else { return nil }
            columns.append(Column(name: fields[k], type: type, width: width))
        }
        self.columns = columns
    }

    /// Total number of whitespace-separated tokens per atom line.
    var tokenCount: Int { columns.reduce(0) { $0 + $1.width } }

    /// The declaration text.
    var text: String { columns.map { "\($0.name):\($0.type):\($0.width)" }.joined(separator: ":") }
}
