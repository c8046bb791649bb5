/// `virtual_server`. (Seed written by the lead; the LVS-model helper owns and fills this file.)
public struct VirtualServer: Sendable {}

/// `virtual_server_group`. (Seed; owned by the LVS-model helper.)
public struct VirtualServerGroup: Sendable {}
