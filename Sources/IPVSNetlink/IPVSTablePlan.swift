/// The changes that turn one IPVS table into another, for a reconciler that
/// reads the kernel (`IPVSKernel.table()`), compares it with the table it
/// wants and sends the difference with `IPVSKernel.apply(_:)`. Pure: no I/O.
public enum IPVSTablePlan {
    /// Exactly the difference between `observed` and `desired`, compared on
    /// configuration only (counters and rates are ignored); empty when they
    /// configure the same services and real servers. In order:
    ///
    /// 1. `deleteService` for each observed service that is not desired (the
    ///    kernel drops its real servers with it), in observed order;
    /// 2. for each desired service, in desired order: `addService` followed by
    ///    an `addDestination` for each of its real servers when it is new; else
    ///    `updateService` if its settings differ, then `deleteDestination` for
    ///    each real server that goes (in observed order), then `updateDestination`
    ///    or `addDestination` for each changed or new real server, in desired order.
    ///
    /// A service is identified by its key, a real server by address and port.
    /// Should a table name one twice, its first entry counts and the rest are
    /// ignored. Changes carry `configuration` values (no counters).
    public static func changes(from observed: [IPVSServiceEntry], to desired: [IPVSServiceEntry]) -> [IPVSChange] {
        let wanted = unique(desired, by: \.service.key)
        let wantedKeys = Set(wanted.map(\.service.key))
        let current = unique(observed, by: \.service.key)
        var currentByKey: [IPVSServiceKey: IPVSServiceEntry] = [:]
        currentByKey.reserveCapacity(current.count)
        for entry in current { currentByKey[entry.service.key] = entry }

        var changes: [IPVSChange] = []
        for entry in current where !wantedKeys.contains(entry.service.key) {
            changes.append(.deleteService(entry.service.key))
        }
        for entry in wanted {
            let key = entry.service.key
            let destinations = unique(entry.destinations, by: DestinationID.init)
            guard let existing = currentByKey[key] else {
                changes.append(.addService(entry.service.configuration))
                for destination in destinations {
                    changes.append(.addDestination(destination.configuration, to: key))
                }
                continue
            }
            if existing.service.configuration != entry.service.configuration {
                changes.append(.updateService(entry.service.configuration))
            }
            destinationChanges(from: unique(existing.destinations, by: DestinationID.init), to: destinations,
                               in: key, into: &changes)
        }
        return changes
    }

    /// What identifies a real server within its service.
    struct DestinationID: Hashable {
        var address: IPAddress
        var port: UInt16

        init(_ destination: IPVSDestination) {
            address = destination.address
            port = destination.port
        }
    }

    private static func destinationChanges(from observed: [IPVSDestination], to desired: [IPVSDestination],
                                           in key: IPVSServiceKey, into changes: inout [IPVSChange]) {
        let wantedIDs = Set(desired.map(DestinationID.init))
        var current: [DestinationID: IPVSDestination] = [:]
        current.reserveCapacity(observed.count)
        for destination in observed {
            let id = DestinationID(destination)
            current[id] = destination
            if !wantedIDs.contains(id) {
                changes.append(.deleteDestination(address: destination.address, port: destination.port, from: key))
            }
        }
        for destination in desired {
            let wanted = destination.configuration
            guard let existing = current[DestinationID(destination)] else {
                changes.append(.addDestination(wanted, to: key))
                continue
            }
            if existing.configuration != wanted { changes.append(.updateDestination(wanted, in: key)) }
        }
    }

    /// The elements in order, without those whose identity came before.
    private static func unique<T, ID: Hashable>(_ elements: [T], by id: (T) -> ID) -> [T] {
        var seen = Set<ID>()
        seen.reserveCapacity(elements.count)
        return elements.filter { seen.insert(id($0)).inserted }
    }
}
