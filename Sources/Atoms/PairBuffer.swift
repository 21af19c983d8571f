/// Pairs a search finds, written to scratch and appended to a `PairChunk`'s arrays in bulk: with four array appends a
/// pair, the lesson crystals' direct search took 2.7× as long, a 1000-atom cell's grid search a quarter longer.
struct PairBuffer {
    let capacity: Int
    private let neighbors: UnsafeMutablePointer<Int32>
    private let shifts: UnsafeMutablePointer<SIMD3<Int32>>
    private let vectors: UnsafeMutablePointer<SIMD3<Double>>
    private let distances: UnsafeMutablePointer<Double>
    /// Pairs held, not yet appended.
    private(set) var count = 0

    /// Room for `capacity` pairs; `deallocate` when done.
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        neighbors = .allocate(capacity: self.capacity)
        shifts = .allocate(capacity: self.capacity)
        vectors = .allocate(capacity: self.capacity)
        distances = .allocate(capacity: self.capacity)
    }

    func deallocate() {
        neighbors.deallocate()
        shifts.deallocate()
        vectors.deallocate()
        distances.deallocate()
    }

    /// Holds the pair with neighbor `j`, image `shift` and vector D when |D|² < `cutoff2` (room permitting: the caller
    /// appends before the buffer can fill).
    @inline(__always) mutating func addIfWithin(_ cutoff2: Double, _ j: Int, shift: SIMD3<Int32>, vector d: SIMD3<Double>) {
        let d2 = dot(d, d)
        guard d2 < cutoff2 else { return }
        assert(count < capacity, "a pair buffer appended before it fills")
        (neighbors[count], shifts[count], vectors[count], distances[count]) = (Int32(j), shift, d, d2.squareRoot())
        count += 1
    }

    /// Appends the pairs held to `chunk`'s arrays, and empties the buffer.
    mutating func append(to chunk: inout PairChunk) {
        chunk.neighbors.append(contentsOf: UnsafeBufferPointer(start: neighbors, count: count))
        chunk.shifts.append(contentsOf: UnsafeBufferPointer(start: shifts, count: count))
        chunk.vectors.append(contentsOf: UnsafeBufferPointer(start: vectors, count: count))
        chunk.distances.append(contentsOf: UnsafeBufferPointer(start: distances, count: count))
        count = 0
    }
}
