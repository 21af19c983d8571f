import Foundation
import LinearAlgebra

/// The numbers of one `<gpCoordinates>` of a GAP XML (one GP term of QUIP's `gpSparse`): its kernel settings,
/// descriptor string, and sparse points with their weights and cutoffs, read inline or from the sparseX file.
struct GapXMLCoordinates {
    /// QUIP's covariance types that SwiftGAP evaluates.
    enum Covariance: Equatable {
        /// `covariance_type="1"`: δ² exp(−½ Σ_d ((x_d − x'_d)/θ_d)²), θ from `<theta>`.
        case ardSE(theta: [Double])
        /// `covariance_type="2"`: δ² (x·x')^ζ.
        case dotProduct(zeta: Double)
    }

    /// The element's `label` attribute.
    let label: String
    /// Line of the element.
    let line: Int
    /// δ (`signal_variance`; the kernel uses δ²).
    let delta: Double
    /// `signal_mean` (f0): QUIP adds f0² to an ard_se kernel and ignores it for dot products.
    let signalMean: Double
    /// The kernel.
    let covariance: Covariance
    /// The descriptor string (`<descriptor>` text) and its line.
    let descriptor: String
    let descriptorLine: Int
    /// Sparse points, M × D.
    let points: Matrix
    /// Weights α and cutoff weights (`sparseCutoff`) of the sparse points.
    let alpha: [Double]
    let cutoffs: [Double]

    /// Reads `element`; sparseX files are looked up in `folder`.
    /// - Throws: `GapXMLError` naming the file, line and attribute.
    init(_ element: XMLTree, file: String, folder: String) throws(GapXMLError) {
        let reader = GapXMLAttributes(element, file: file)
        label = element.attribute("label") ?? ""
        line = element.line
        let d = try reader.int("dimensions", in: 1...GapXMLLimits.dimensions)
        delta = try reader.double("signal_variance")
        signalMean = try reader.double("signal_mean")
        guard try reader.bool("sparsified") else {
            throw .unsupported(
                file: file, line: line, what: "a full (not sparsified) GP in <gpCoordinates>",
                hint: "only sparse GAP models (sparsified=\"T\", as gap_fit writes them) can be evaluated")
        }
        let permutations = try reader.int("n_permutations", in: 1...Int.max)
        guard permutations == 1 else {
            throw .unsupported(
                file: file, line: line, what: "n_permutations=\(permutations) (a permutation-invariant kernel)",
                hint: "SwiftGAP evaluates soap, distance_2b and angle_3b terms, which have one permutation")
        }
        let m = try reader.int("n_sparseX", in: 0...GapXMLLimits.sparsePoints)
        guard m * d <= GapXMLLimits.values else {
            throw .badValue(
                file: file, line: line, what: "n_sparseX × dimensions", value: "\(m) × \(d)",
                expected: "at most \(GapXMLLimits.values) values")
        }
        let thetaElement = element.child("theta")
        let theta = try thetaElement.map { (t: XMLTree) throws(GapXMLError) -> [Double] in
            try GapXMLAttributes.numbers(t.text, count: nil, what: "<theta>", file: file, line: t.line)
        }
        switch try reader.int("covariance_type", in: 0...Int.max) {
        case 1:
            guard let theta, theta.count == d, theta.allSatisfy({ $0 > 0 }) else {
                throw .badValue(
                    file: file, line: thetaElement?.line ?? line, what: "<theta>",
                    value: theta.map { $0.map { "\($0)" }.joined(separator: " ") } ?? "(missing)",
                    expected: "\(d) positive length scales, one per dimension")
            }
            covariance = .ardSE(theta: theta)
        case 2:
            // XML before zeta had its own attribute kept it as the only entry of <theta>.
            if element.attribute("zeta") != nil {
                covariance = .dotProduct(zeta: try reader.double("zeta"))
            } else if let theta, theta.count == 1 {
                covariance = .dotProduct(zeta: theta[0])
            } else {
                throw .missing(file: file, line: line, what: "the zeta attribute of a dot_product <gpCoordinates>")
            }
        case let type:
            let names = [0: "none", 3: "bond_real_space", 4: "pp (piecewise polynomial)"]
            throw .unsupported(
                file: file, line: line, what: "covariance_type=\(type) (\(names[type] ?? "unknown"))",
                hint: "SwiftGAP evaluates ard_se (1) and dot_product (2) kernels")
        }
        guard let descriptorElement = element.child("descriptor") else {
            throw .missing(file: file, line: line, what: "the <descriptor> of <gpCoordinates label=\"\(label)\">")
        }
        descriptor = descriptorElement.text.trimmingCharacters(in: .whitespacesAndNewlines)
        descriptorLine = descriptorElement.line
        let sparse = element.children("sparseX")
        guard sparse.count == m else {
            throw .badValue(
                file: file, line: line, what: "the number of <sparseX> elements", value: "\(sparse.count)",
                expected: "n_sparseX = \(m)")
        }
        var alpha = [Double](repeating: 0, count: m)
        var cutoffs = [Double](repeating: 0, count: m)
        var seen = [Bool](repeating: false, count: m)
        let separate = element.attribute("sparseX_filename")
        var inline = separate == nil ? [Double](repeating: 0, count: m * d) : []
        for point in sparse {
            let r = GapXMLAttributes(point, file: file)
            let i = try r.int("i", in: 1...max(m, 1)) - 1
            guard !seen[i] else {
                throw .badValue(file: file, line: point.line, what: "<sparseX i>", value: "\(i + 1)", expected: "each index once")
            }
            seen[i] = true
            alpha[i] = try r.double("alpha")
            cutoffs[i] = try r.double("sparseCutoff")
            if separate == nil {
                let x = try Self.inlinePoint(point, dimension: d, file: file)
                inline.replaceSubrange((i * d)..<((i + 1) * d), with: x)
            }
        }
        let values =
            try separate.map { (name: String) throws(GapXMLError) -> [Double] in
                try GapXMLSparseFile.read(
                    name: name, folder: folder, md5: element.attribute("sparseX_md5sum"), count: m * d, xml: file)
            } ?? inline
        do { points = try Matrix(rows: m, columns: d, elements: values) } catch {
            throw .inconsistent(file: file, detail: "the sparse points of <gpCoordinates> on line \(line): \(error)")
        }
        self.alpha = alpha
        self.cutoffs = cutoffs
    }

    /// The D values of an inline `<sparseX>`: its text, or its `<sparseX_slice start end>` children.
    private static func inlinePoint(_ point: XMLTree, dimension d: Int, file: String) throws(GapXMLError) -> [Double] {
        let slices = point.children("sparseX_slice")
        if slices.isEmpty {
            return try GapXMLAttributes.numbers(point.text, count: d, what: "<sparseX>", file: file, line: point.line)
        }
        var x = [Double](repeating: .nan, count: d)
        for slice in slices {
            let r = GapXMLAttributes(slice, file: file)
            let start = try r.int("start", in: 1...d), end = try r.int("end", in: start...d)
            let values = try GapXMLAttributes.numbers(
                slice.text, count: end - start + 1, what: "<sparseX_slice>", file: file, line: slice.line)
            x.replaceSubrange((start - 1)..<end, with: values)
        }
        guard x.allSatisfy(\.isFinite) else {
            throw .badValue(
                file: file, line: point.line, what: "the <sparseX_slice> elements", value: "\(slices.count) slices",
                expected: "slices covering all \(d) dimensions")
        }
        return x
    }
}
