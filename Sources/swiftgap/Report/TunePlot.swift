import Tuning

/// The SVG plot of `tune`: the score of every trial, cheap and full ones apart, and the best so far.
enum TunePlot {
    /// The plot of `trials`; `best` is marked.
    static func svg(_ trials: [Trial], best: Int) -> String {
        var series = [SVGPlot.Series]()
        for (phase, color) in [("cheap", "#1f77b4"), ("full", "#2ca02c")] {
            let points = trials.filter { $0.phase == phase && $0.score.isFinite }.map { (x: Double($0.number), y: $0.score) }
            if !points.isEmpty { series.append(SVGPlot.Series(name: "\(phase) trials", points: points, color: color)) }
        }
        if let t = trials.first(where: { $0.number == best }), t.score.isFinite {
            series.append(SVGPlot.Series(name: "best", points: [(Double(t.number), t.score)], color: "#d62728"))
        }
        return SVGPlot(
            title: "Hyper-parameter search", xLabel: "trial", yLabel: "score (validation errors, geometric mean)",
            series: series, kind: .scatter(diagonal: false)
        ).svg
    }
}
