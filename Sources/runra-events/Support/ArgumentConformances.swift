// Conformances of library types to ArgumentParser's protocols are public by nature,
// so this one file imports ArgumentParser publicly.
public import ArgumentParser
public import RunraEvents

extension OutputFormat: ExpressibleByArgument {}
extension StatisticsFormat: ExpressibleByArgument {}
