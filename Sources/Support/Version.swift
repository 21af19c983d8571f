/// The SwiftGAP release this code is: what `swiftgap --version`, potential files and the Python package report.
public let swiftGAPVersion = "0.1.0"
