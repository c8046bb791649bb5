/// `global_defs`. (Seed written by the lead; the LVS-model helper owns and fills this file.)
public struct GlobalSettings: Sendable {
    public init() {}
}
