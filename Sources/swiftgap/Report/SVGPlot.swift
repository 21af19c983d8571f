import Foundation

/// Minimal SVG charts for reports: scatter (with an optional y = x line), histogram and line plots,
/// with labelled axes and "nice" ticks. No dependency beyond Foundation.
struct SVGPlot {
    /// A named set of points drawn in one colour.
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var color: String
    }

    enum Kind {
        case scatter(diagonal: Bool)
        case lines
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    var kind: Kind
    var width = 560.0, height = 440.0

    private let margin = (left: 78.0, right: 20.0, top: 36.0, bottom: 58.0)

    /// The SVG document.
    var svg: String {
        let all = series.flatMap(\.points)
        var xs = all.map(\.x), ys = all.map(\.y)
        if case .scatter(true) = kind {
            xs += ys
            ys = xs
        }
        let (x0, x1) = Self.range(xs), (y0, y1) = Self.range(ys.isEmpty ? [0, 1] : ys)
        let plotW = width - margin.left - margin.right, plotH = height - margin.top - margin.bottom
        func px(_ x: Double) -> Double { margin.left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { margin.top + plotH - (y - y0) / (y1 - y0) * plotH }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="20" text-anchor="middle" font-size="14">\(Self.escape(title))</text>

            """
        for t in Self.ticks(x0, x1) {
            out +=
                "<line x1=\"\(f(px(t)))\" y1=\"\(f(margin.top))\" x2=\"\(f(px(t)))\" y2=\"\(f(margin.top + plotH))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(margin.top + plotH + 16))\" text-anchor=\"middle\">\(Self.label(t))</text>\n"
        }
        for t in Self.ticks(y0, y1) {
            out +=
                "<line x1=\"\(f(margin.left))\" y1=\"\(f(py(t)))\" x2=\"\(f(margin.left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(f(margin.left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(Self.label(t))</text>\n"
        }
        out +=
            "<rect x=\"\(f(margin.left))\" y=\"\(f(margin.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#444\"/>\n"
        out +=
            "<text x=\"\(f(margin.left + plotW / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        out +=
            "<text transform=\"translate(18,\(f(margin.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        if case .scatter(true) = kind {
            out +=
                "<line x1=\"\(f(px(x0)))\" y1=\"\(f(py(x0)))\" x2=\"\(f(px(x1)))\" y2=\"\(f(py(x1)))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        }
        for s in series {
            switch kind {
            case .scatter:
                for p in s.points {
                    out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2\" fill=\"\(s.color)\" fill-opacity=\"0.55\"/>"
                }
            case .lines:
                let path = s.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\"/>"
            }
            out += "\n"
        }
        if series.count > 1 {
            for (k, s) in series.enumerated() {
                let y = margin.top + 14 + Double(k) * 16
                out += "<rect x=\"\(f(margin.left + 10))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(s.color)\"/>"
                out += "<text x=\"\(f(margin.left + 26))\" y=\"\(f(y))\">\(Self.escape(s.name))</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    private func f(_ x: Double) -> String { String(format: "%.1f", x) }

    /// A padded data range that never collapses to a point.
    static func range(_ values: [Double]) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return (0, 1) }
        if hi == lo { return (lo - 0.5 * max(abs(lo), 1), hi + 0.5 * max(abs(hi), 1)) }
        let pad = 0.05 * (hi - lo)
        return (lo - pad, hi + pad)
    }

    /// About five ticks at 1, 2 or 5 times a power of ten.
    static func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].first { $0 * power >= raw }! * power
        var t = ceil(lo / step) * step, out = [Double]()
        while t <= hi + 1e-12 * step {
            out.append(abs(t) < 1e-12 * step ? 0 : t)
            t += step
        }
        return out
    }

    static func label(_ x: Double) -> String {
        let a = abs(x)
        if a != 0 && (a >= 1e5 || a < 1e-3) { return String(format: "%.1e", x) }
        return String(format: "%g", (x * 1e6).rounded() / 1e6)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
