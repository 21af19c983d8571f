/// A dense matrix of `Double` stored row-major: element (i, j) is `elements[i * columns + j]`.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The entries, row after row.
    public var elements: [Double]

    /// A `rows × columns` matrix with every entry equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix from its entries in row-major order.
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when `elements.count != rows * columns`.
    public init(rows: Int, columns: Int, elements: [Double]) throws(LinearAlgebraError) {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw .dimensionMismatch(
                operation: "Matrix(rows:columns:elements:)",
                detail: "\(elements.count) elements for a \(rows)×\(columns) matrix")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A one-column matrix (a column vector) holding `values`; its shape follows from the count, so this
    /// cannot fail.
    public init(column values: [Double]) {
        rows = values.count
        columns = 1
        elements = values
    }

    /// A matrix from an array of equally long rows.
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when the rows differ in length.
    public init(_ rowArrays: [[Double]]) throws(LinearAlgebraError) {
        let width = rowArrays.first?.count ?? 0
        guard rowArrays.allSatisfy({ $0.count == width }) else {
            throw .dimensionMismatch(operation: "Matrix(_:)", detail: "rows of different lengths")
        }
        try self.init(rows: rowArrays.count, columns: width, elements: rowArrays.flatMap { $0 })
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    /// Entry (row, column).
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// One row as an array.
    public func row(_ i: Int) -> [Double] {
        Array(elements[(i * columns)..<((i + 1) * columns)])
    }

    /// The rows `indices`, in that order, as a new `indices.count × columns` matrix.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, columns: columns)
        for (k, i) in indices.enumerated() {
            out.elements.replaceSubrange((k * columns)..<((k + 1) * columns), with: elements[(i * columns)..<((i + 1) * columns)])
        }
        return out
    }

    /// The transpose.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { t.elements[j * rows + i] = elements[i * columns + j] }
        }
        return t
    }

    /// True when the matrix is square.
    public var isSquare: Bool { rows == columns }

    /// The largest absolute entry (0 for an empty matrix).
    public var maxAbs: Double { elements.reduce(0) { max($0, abs($1)) } }

    /// Elementwise difference.
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "matrix shapes differ")
        var out = lhs
        for k in out.elements.indices { out.elements[k] -= rhs.elements[k] }
        return out
    }

    /// Elementwise sum.
    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "matrix shapes differ")
        var out = lhs
        for k in out.elements.indices { out.elements[k] += rhs.elements[k] }
        return out
    }
}
