/// GAP's public surface is built on descriptor types (`SOAPSettings` in `FitSettings` and potential files,
/// `SOAP` in `GAPPotential`), so importing GAP brings them along.
@_exported import Descriptors
