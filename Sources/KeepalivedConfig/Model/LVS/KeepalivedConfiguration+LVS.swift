// Seed written by the lead; the LVS-model helper owns and fills this file.
extension KeepalivedConfiguration {
    static var lvsTopLevelKeywords: [Keyword<KeepalivedConfiguration>] { [] }

    mutating func resolveLVS(_ context: inout ReadContext) {}
}
