import LinearAlgebra

extension BlockDiagonalLower {
    /// The blocks of orders `orders` down the diagonal of the dense lower-triangular `dense`.
    static func blocks(of dense: Matrix, orders: [Int]) throws -> BlockDiagonalLower {
        var blocks = [Matrix](), offset = 0
        for b in orders {
            var block = Matrix(rows: b, columns: b)
            for i in 0..<b { for j in 0...i { block[i, j] = dense[offset + i, offset + j] } }
            blocks.append(block)
            offset += b
        }
        return try BlockDiagonalLower(blocks: blocks)
    }

    /// The whole M × M matrix.
    var dense: Matrix {
        var m = Matrix(rows: order, columns: order)
        for i in 0..<order { for j in 0..<order { m[i, j] = self[i, j] } }
        return m
    }
}

extension ColumnMajorUpper {
    /// The upper triangle of the dense square `dense`.
    init(dense: Matrix) throws {
        try self.init(order: dense.rows, leadingDimension: max(dense.rows, 1), storage: dense.transposed.elements)
    }

    /// The whole n × n matrix.
    var dense: Matrix {
        var m = Matrix(rows: order, columns: order)
        for i in 0..<order { for j in 0..<order { m[i, j] = self[i, j] } }
        return m
    }
}
