/// Sends and receives VRRP messages (IP protocol 112) on one interface. The state machine's
/// driver talks to this protocol only, so it can be tested with an in-memory link;
/// ``VRRPSocketTransport`` is the raw-socket implementation.
public protocol VRRPTransport: Sendable {
    /// The envelope of what ``send(_:to:)`` sends to `destination`: our source address and
    /// that destination. Encode the message for exactly this envelope (the VRRPv3 checksum
    /// covers it).
    func envelope(to destination: VRRPAddress) -> VRRPEnvelope

    /// Sends one VRRP message (the IP payload) to the multicast group or a unicast peer, with
    /// TTL / hop limit 255.
    func send(_ message: [UInt8], to destination: VRRPAddress) throws(VRRPTransportError)

    /// Waits up to `timeout` for one message; nil when none arrived in time.
    func receive(timeout: Duration) throws(VRRPTransportError) -> VRRPReceivedMessage?
}

/// A failed socket call, with the call, the errno and its text.
public struct VRRPTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed, with the C call and option: "setsockopt(IP_MULTICAST_TTL)".
    public var operation: String
    /// errno, or 0 when the failure was not a system call's.
    public var errno: Int32
    public var message: String

    public init(operation: String, errno: Int32, message: String) {
        self.operation = operation
        self.errno = errno
        self.message = message
    }

    public var description: String {
        errno == 0 ? "\(operation): \(message)" : "\(operation): \(message) (errno \(errno))"
    }
}
