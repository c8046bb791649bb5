import IPVSNetlink

/// A destination's address and port within one service: the key for finding a destination
/// of one table in another (drain, status) without formatting either as text.
struct DestinationEndpoint: Hashable {
    var address: IPAddress
    var port: UInt16

    init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    init(_ destination: IPVSDestination) {
        self.init(address: destination.address, port: destination.port)
    }
}
