/// Pipelines requests on one socket: packs as many netlink messages into each
/// sendmsg as the send buffer and the receive buffer's room for acks allow, then
/// matches every ack to its request by sequence number. The kernel handles each
/// message of a datagram in turn and acks each one, so a failing request does not
/// stop the ones after it.
struct BatchSender {
    let socket: NetlinkSocket

    func apply(_ changes: [IPVSChange]) -> [Result<Void, IPVSError>] {
        var results = [Result<Void, IPVSError>?](repeating: nil, count: changes.count)
        var index = 0
        while index < changes.count {
            // Build one chunk.
            var buffer: [UInt8] = []
            var pending: [UInt32: (index: Int, target: OperationTarget)] = [:]
            let firstIndex = index
            while index < changes.count, pending.count < socket.maxOutstandingAcks {
                let request = IPVSCodec.request(for: changes[index])
                let seq = socket.takeSequence()
                let bytes = request.encode(family: socket.family, sequence: seq, portID: socket.portID)
                if !buffer.isEmpty, buffer.count + bytes.count > socket.maxSendBytes { break }
                buffer += bytes
                pending[seq] = (index, request.target)
                index += 1
            }
            do {
                try socket.send(buffer, operation: changes[firstIndex].operation)
                while !pending.isEmpty {
                    for message in try socket.receive(operation: "apply") where message.type == NetlinkConst.typeError {
                        guard let entry = pending.removeValue(forKey: message.sequence) else { continue }
                        let change = changes[entry.index]
                        do {
                            let ack = try NetlinkAck(parsing: message)
                            results[entry.index] = ack.errno == 0
                                ? .success(())
                                : .failure(IPVSError(errno: ack.errno, operation: change.operation,
                                                     target: entry.target, message: ack.message))
                        } catch {
                            results[entry.index] = .failure(IPVSError(code: .malformedReply, operation: change.operation,
                                                                      message: error.description))
                        }
                    }
                }
            } catch {
                // The socket failed: everything of this chunk without an ack, and
                // everything after it, has an unknown outcome.
                for (_, entry) in pending {
                    results[entry.index] = .failure(IPVSError(code: error.code, operation: changes[entry.index].operation,
                                                              errno: error.errno, message: error.message))
                }
                for later in index..<changes.count {
                    results[later] = .failure(IPVSError(code: error.code, operation: changes[later].operation,
                                                        errno: error.errno, message: "not sent: an earlier batch failed (\(error))"))
                }
                index = changes.count
            }
        }
        return results.map { $0! }
    }
}
