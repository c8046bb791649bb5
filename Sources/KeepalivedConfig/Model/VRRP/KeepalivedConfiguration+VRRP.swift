// Seed written by the lead; the VRRP-model helper owns and fills this file.
extension KeepalivedConfiguration {
    static var vrrpTopLevelKeywords: [Keyword<KeepalivedConfiguration>] { [] }

    mutating func resolveVRRP(_ context: inout ReadContext) {}
}
