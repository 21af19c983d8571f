import ArgumentParser
import GAP

extension UncertaintyModel: ExpressibleByArgument {}
