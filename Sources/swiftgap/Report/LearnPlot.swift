import Learning

/// The SVG plot of `learn`: the test force RMSE (when there is a test set) and the mean predicted force σ over
/// the candidates, against the number of labelled configurations.
enum LearnPlot {
    /// The plot of `rounds`.
    static func svg(_ rounds: [LearningRound]) -> String {
        var series = [SVGPlot.Series]()
        let tested = rounds.compactMap { r in r.testForceRMSE.map { (x: Double(r.labelled), y: $0) } }
        if !tested.isEmpty { series.append(SVGPlot.Series(name: "test force RMSE", points: tested, color: "#d62728")) }
        series.append(
            SVGPlot.Series(
                name: "mean candidate force σ", points: rounds.map { (Double($0.labelled), $0.meanSigma) }, color: "#1f77b4"))
        return SVGPlot(
            title: "Active learning", xLabel: "labelled configurations", yLabel: "eV/Å", series: series, kind: .lines
        ).svg
    }
}
