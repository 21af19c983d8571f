import Foundation

extension MBTR {
    /// The grid an MBTR term is discretised on, as DScribe builds it: n points from `min` to `max` spaced
    /// dx = (max − min)/(n − 1), each the middle of a bin [x_b − dx/2, x_b + dx/2). A contribution of value
    /// μ and weight w adds to bin b the Gaussian's mass in the bin divided by its width,
    /// w·(Φ((x_b + dx/2 − μ)/σ) − Φ((x_b − dx/2 − μ)/σ))/dx, with Φ the normal CDF (DScribe's C++ takes
    /// this difference of CDFs rather than the Gaussian's value at x_b). Without `normalizeGaussians` the
    /// Gaussian's peak is 1 instead of its area.
    public struct Grid: Sendable, Equatable {
        /// The first grid point.
        public let min: Double
        /// The last grid point.
        public let max: Double
        /// The number of grid points.
        public let n: Int
        /// The Gaussian broadening σ (in the geometry function's units).
        public let sigma: Double
        /// Bin edges x_0 − dx/2, …, x_n − dx/2, accumulated by repeated addition as DScribe does.
        let edges: [Double]
        /// The edge spacing dx.
        let dx: Double

        /// A grid.
        /// - Throws: `DescriptorError.invalidSetting` unless min < max (both finite), 2 ≤ n ≤
        ///   `DescriptorLimits.features` and σ > 0.
        public init(min: Double, max: Double, n: Int, sigma: Double) throws(DescriptorError) {
            guard min.isFinite, max.isFinite, min < max else {
                throw .invalidSetting(
                    name: "grid: min, max", value: "\(min), \(max)", hint: "min must be smaller than max (both finite)")
            }
            guard (2...DescriptorLimits.features).contains(n) else {
                throw .invalidSetting(
                    name: "grid: n", value: "\(n)", hint: "must be between 2 and \(DescriptorLimits.features)")
            }
            guard sigma > 0, sigma.isFinite else {
                throw .invalidSetting(name: "grid: sigma", value: "\(sigma)", hint: "must be a positive finite number")
            }
            self.min = min
            self.max = max
            self.n = n
            self.sigma = sigma
            dx = (max - min) / Double(n - 1)
            var x = min - dx / 2
            var edges = [Double]()
            edges.reserveCapacity(n + 1)
            for _ in 0...n {
                edges.append(x)
                x += dx
            }
            self.edges = edges
        }

        /// The unit-weight bin values B_b(μ) into `values[b]` and, unless `slopes` is empty, ∂B_b/∂μ into
        /// `slopes[b]`, for the bins the Gaussian reaches; returns those bins (every other bin is exactly zero:
        /// beyond 7σ√2 the CDF is 0 or 1 to double precision, and the density below 10⁻²¹ of its peak).
        func broaden(_ mu: Double, values: inout [Double], slopes: inout [Double]) -> Range<Int> {
            let width = sigma * 2.0.squareRoot()
            let reach = 7 * width
            let first = Swift.max(0, Swift.min(Double(n), ((mu - reach - edges[0]) / dx).rounded(.down) - 1))
            let last = Swift.max(0, Swift.min(Double(n), ((mu + reach - edges[0]) / dx).rounded(.up) + 1))
            guard first < last else { return 0..<0 }
            let bins = Int(first)..<Int(last)
            let inverseDx = 1 / dx
            let withSlopes = !slopes.isEmpty
            let zLow = (edges[bins.lowerBound] - mu) / width
            var cdfLow = 0.5 * (1 + erf(zLow))
            // ∂/∂μ of a bin's mass is the density at its lower edge minus that at its upper edge.
            let densityScale = inverseDx / (width * Double.pi.squareRoot())
            var densityLow = withSlopes ? exp(-zLow * zLow) : 0
            for b in bins {
                let zHigh = (edges[b + 1] - mu) / width
                let cdfHigh = 0.5 * (1 + erf(zHigh))
                values[b] = (cdfHigh - cdfLow) * inverseDx
                cdfLow = cdfHigh
                if withSlopes {
                    let densityHigh = exp(-zHigh * zHigh)
                    slopes[b] = (densityLow - densityHigh) * densityScale
                    densityLow = densityHigh
                }
            }
            return bins
        }
    }
}
