import Foundation

/// A progress line on standard error: redrawn in place on a terminal, every 10 % otherwise.
final class Progress {
    private let label: String
    private let total: Int
    private let start = Date()
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastDecile = -1
    private var lastDraw = Date.distantPast

    init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    /// Reports that `done` of `total` items are finished.
    func update(_ done: Int) {
        let fraction = Double(done) / Double(total)
        let elapsed = Date().timeIntervalSince(start)
        let line = String(format: "%@: %d/%d (%.0f%%, %.1f s)", label, done, total, 100 * fraction, elapsed)
        if interactive {
            guard Date().timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
            lastDraw = Date()
            FileHandle.standardError.write(Data(("\r" + line + (done == total ? "\n" : "")).utf8))
        } else {
            let decile = Int(fraction * 10)
            guard decile > lastDecile else { return }
            lastDecile = decile
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}

extension Progress {
    /// Progress of several named stages in turn, one line per stage.
    final class StageReporter: @unchecked Sendable {
        private var current: (name: String, progress: Progress)?
        private let lock = NSLock()

        func update(_ stage: String, _ done: Int, _ total: Int) {
            lock.lock()
            defer { lock.unlock() }
            if current?.name != stage { current = (stage, Progress(stage, total: total)) }
            current?.progress.update(done)
        }
    }
}
