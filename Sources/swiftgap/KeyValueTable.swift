/// A title line followed by aligned "name  value" lines; long comma-separated values wrap under their column.
struct KeyValueTable {
    let title: String
    let rows: [(String, String)]

    var text: String {
        let width = rows.map(\.0.count).max() ?? 0
        let indent = String(repeating: " ", count: width + 4)
        return
            ([title]
            + rows.map { name, value in
                "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + wrap(value, width: max(40, 100 - indent.count)).joined(separator: "\n" + indent)
            }).joined(separator: "\n")
    }

    /// Splits a comma-separated list into lines of at most `width` characters.
    private func wrap(_ text: String, width: Int) -> [String] {
        var lines = [String](), line = ""
        for item in text.components(separatedBy: ", ") {
            let candidate = line.isEmpty ? item : line + ", " + item
            if candidate.count > width && !line.isEmpty {
                lines.append(line + ",")
                line = item
            } else {
                line = candidate
            }
        }
        return lines + [line]
    }
}
