/// The checks across blocks, once the whole file is read: names defined twice, references to
/// tracked objects and sync group members, keepalived's completion of every instance, weights
/// keepalived drops, VRID conflicts and unused scripts (keepalived/vrrp/vrrp.c,
/// vrrp_complete_init).
extension KeepalivedConfiguration {
    mutating func resolveVRRP(_ context: inout ReadContext) {
        vrrp.resolve(VRRPDefaults(global), &context)
    }
}

extension VRRPSettings {
    mutating func resolve(_ defaults: VRRPDefaults, _ context: inout ReadContext) {
        instances = Self.unique(instances, "vrrp_instance", \.name, \.position, &context)
        syncGroups = Self.unique(syncGroups, "vrrp_sync_group", \.name, \.position, &context)
        scripts = Self.unique(scripts, "vrrp_script", \.name, \.position, &context)
        trackedProcesses = Self.unique(trackedProcesses, "vrrp_track_process", \.name, \.position, &context)
        trackedFiles = Self.unique(trackedFiles, "track_file", \.name, \.position, &context)
        bfdInstances = Self.unique(bfdInstances, "bfd_instance", \.name, \.position, &context)

        resolveSyncGroupMembers(&context)

        for index in instances.indices {
            let order = instances[index].written.order
            let owner = "vrrp_instance '\(instances[index].name)'"
            instances[index].trackScripts = resolve(instances[index].trackScripts, .script, order, owner, &context)
            instances[index].trackFiles = resolve(instances[index].trackFiles, .file, order, owner, &context)
            instances[index].trackProcesses = resolve(instances[index].trackProcesses, .process, order, owner, &context)
            instances[index].trackBFDs = resolve(instances[index].trackBFDs, .bfd, order, owner, &context)
        }
        for index in syncGroups.indices {
            let order = syncGroups[index].order
            let owner = "vrrp_sync_group '\(syncGroups[index].name)'"
            syncGroups[index].trackScripts = resolve(syncGroups[index].trackScripts, .script, order, owner, &context)
            syncGroups[index].trackFiles = resolve(syncGroups[index].trackFiles, .file, order, owner, &context)
            syncGroups[index].trackProcesses = resolve(syncGroups[index].trackProcesses, .process, order, owner, &context)
            syncGroups[index].trackBFDs = resolve(syncGroups[index].trackBFDs, .bfd, order, owner, &context)
        }

        var completed: [VRRPInstance] = []
        for var instance in instances {
            let group = instance.syncGroup.flatMap { name in syncGroups.first { $0.name == name } }
            if instance.complete(defaults, group: group, &context) {
                instance.notifyPriorityChanges = instance.written.notifyPriorityChanges ?? group?.notifyPriorityChanges ?? false
                instance.dropIgnoredWeights(inGroupWithoutWeights: group.map { !$0.tracksWithWeights } ?? false, &context)
                completed.append(instance)
            }
        }
        instances = completed

        completeSyncGroups(defaults, &context)
        checkVRIDConflicts(&context)

        for script in scripts {
            let used = instances.contains { $0.trackScripts.contains { $0.name == script.name } }
                || syncGroups.contains { $0.trackScripts.contains { $0.name == script.name } }
            if !used {
                context.warning("vrrp_script '\(script.name)' is not used (keepalived removes it)", at: script.position)
            }
        }
    }

    /// A name defined twice is an error at the second definition; the first is kept, as
    /// keepalived keeps it ("vrrp instance %s already defined", skip_block; for scripts,
    /// files and processes keepalived finds the first by name).
    static func unique<T>(_ items: [T], _ kind: String, _ name: KeyPath<T, String>,
                          _ position: KeyPath<T, SourcePosition>, _ context: inout ReadContext) -> [T] {
        var seen: [String: SourcePosition] = [:]
        var result: [T] = []
        for item in items {
            if let first = seen[item[keyPath: name]] {
                context.error("\(kind) '\(item[keyPath: name])' is defined twice", at: item[keyPath: position],
                              notes: [.init("first defined here", at: first)])
                continue
            }
            seen[item[keyPath: name]] = item[keyPath: position]
            result.append(item)
        }
        return result
    }

    /// The position of `kind name`'s definition, and its place in the file.
    func definition(_ kind: TrackKind, _ name: String) -> (position: SourcePosition, weight: Int, reversed: Bool)? {
        switch kind {
        case .script: scripts.first { $0.name == name }.map { ($0.position, $0.weight, $0.isReversed) }
        case .process: trackedProcesses.first { $0.name == name }.map { ($0.position, $0.weight, $0.isReversed) }
        case .file: trackedFiles.first { $0.name == name }.map { ($0.position, $0.weight, $0.isReversed) }
        case .bfd: bfdInstances.first { $0.name == name }.map { ($0.position, 0, false) }
        }
    }

    /// Checks each reference and gives the ones without `weight` their object's weight.
    func resolve(_ references: [TrackReference], _ kind: TrackKind, _ order: Int, _ owner: String,
                 _ context: inout ReadContext) -> [TrackReference] {
        references.compactMap { reference in
            guard let target = definition(kind, reference.name) else {
                // keepalived: "track script %s not found, ignoring"; the removal already has its error.
                guard !removed.contains("\(kind.definition) \(reference.name)") else { return nil }
                context.error("\(kind.rawValue) of \(owner) names \(kind.definition) '\(reference.name)', which is not defined",
                              at: reference.position)
                return nil
            }
            if let defined = readOrder["\(kind.definition) \(reference.name)"], defined > order {
                context.error("\(kind.definition) '\(reference.name)' is defined after \(owner); keepalived 2.2.7 looks it up while reading and ignores this \(kind.rawValue)",
                              at: reference.position, notes: [.init("defined here", at: target.position)])
                return nil
            }
            var resolved = reference
            if !reference.hasExplicitWeight {
                resolved.weight = target.weight
                resolved.isReversed = target.reversed
            }
            return resolved
        }
    }

    /// vrrp_sync.c, vrrp_sync_set_group.
    mutating func resolveSyncGroupMembers(_ context: inout ReadContext) {
        var memberOf: [String: String] = [:]
        var kept: [VRRPSyncGroup] = []
        for var group in syncGroups {
            guard group.hasGroupBlock else {
                context.warning("vrrp_sync_group '\(group.name)' has no group block (keepalived removes it)", at: group.position)
                continue
            }
            var members: [String] = []
            var positions: [SourcePosition] = []
            for (name, position) in zip(group.members, group.memberPositions) {
                guard let index = instances.firstIndex(where: { $0.name == name }) else {
                    context.error("vrrp_sync_group '\(group.name)' names vrrp_instance '\(name)', which is not defined", at: position)
                    continue
                }
                if let other = memberOf[name] {
                    context.error("vrrp_instance '\(name)' is already in vrrp_sync_group '\(other)'; an instance can be in one sync group only (keepalived ignores it in '\(group.name)')",
                                  at: position)
                    continue
                }
                memberOf[name] = group.name
                instances[index].syncGroup = group.name
                members.append(name)
                positions.append(position)
            }
            group.members = members
            group.memberPositions = positions
            if members.isEmpty {
                context.warning("vrrp_sync_group '\(group.name)' has no defined member (keepalived removes it)", at: group.position)
                continue
            }
            if members.count == 1 {
                context.warning("vrrp_sync_group '\(group.name)' has only one member", at: group.position)
            }
            kept.append(group)
        }
        syncGroups = kept
    }

    /// vrrp.c, sync_group_tracking_init and the start-state rule of vrrp_complete_init.
    mutating func completeSyncGroups(_ defaults: VRRPDefaults, _ context: inout ReadContext) {
        for g in syncGroups.indices {
            let name = syncGroups[g].name
            let members = instances.indices.filter { instances[$0].syncGroup == name }
            syncGroups[g].smtpAlert = syncGroups[g].smtpAlert ?? defaults.smtpAlert ?? false
            if members.contains(where: { instances[$0].isAddressOwner }) {
                func clear(_ references: inout [TrackReference], _ kind: TrackKind) {
                    for i in references.indices where references[i].weight != 0 {
                        context.warning("\(kind.rawValue) '\(references[i].name)' of vrrp_sync_group '\(name)' cannot have a weight with a member of priority 255; keepalived sets weight 0",
                                        at: references[i].position)
                        references[i].weight = 0
                    }
                }
                clear(&syncGroups[g].trackScripts, .script)
                clear(&syncGroups[g].trackFiles, .file)
                clear(&syncGroups[g].trackProcesses, .process)
                clear(&syncGroups[g].trackBFDs, .bfd)
                for i in syncGroups[g].trackInterfaces.indices where syncGroups[g].trackInterfaces[i].weight != 0 {
                    context.warning("track_interface '\(syncGroups[g].trackInterfaces[i].interface)' of vrrp_sync_group '\(name)' cannot have a weight with a member of priority 255; keepalived sets weight 0",
                                    at: syncGroups[g].trackInterfaces[i].position)
                    syncGroups[g].trackInterfaces[i].weight = 0
                }
            }
            // "Make sure that if any sync group has member wanting to start in master state,
            // then all can start in master state."
            let wantsMaster = members.contains { instances[$0].initialState == .master }
            let hasBackup = members.contains { instances[$0].initialState == .backup || !instances[$0].isAddressOwner }
            if wantsMaster, hasBackup {
                context.warning("vrrp_sync_group '\(name)' mixes members starting as MASTER with others that are not address owners; keepalived starts them all as BACKUP",
                                at: syncGroups[g].position)
                for m in members { instances[m].initialState = .backup }
            }
        }
    }

    /// vrrp.c, check_vrid_conflicts, for what a configuration says (the interface's own
    /// address, which keepalived also compares for unicast, is known only where lvsd runs).
    func checkVRIDConflicts(_ context: inout ReadContext) {
        for (i, a) in instances.enumerated() {
            for b in instances[(i + 1)...] where a.family == b.family && a.virtualRouterID == b.virtualRouterID
                && a.isUnicast == b.isUnicast {
                let conflict: Bool
                if a.isUnicast {
                    let sameInterface = a.interface == nil || b.interface == nil || a.interface == b.interface
                    let sameSource = a.sourceAddress != nil && a.sourceAddress == b.sourceAddress
                    let sharedPeer = a.unicastPeers.contains { p in b.unicastPeers.contains { $0.address == p.address } }
                    conflict = sameInterface && sameSource && sharedPeer
                } else {
                    conflict = a.interface == b.interface && a.multicastGroup == b.multicastGroup
                }
                if conflict {
                    let on = a.interface.map { " on interface \($0)" } ?? ""
                    context.error("vrrp_instance '\(b.name)' uses VRID \(b.virtualRouterID) with \(a.family.displayName)\(on), as vrrp_instance '\(a.name)' does",
                                  at: b.position, notes: [.init("'\(a.name)' defined here", at: a.position)])
                }
            }
        }
    }
}

extension VRRPInstance {
    /// vrrp_complete_instance: in a sync group without sync_group_tracking_weight, or as
    /// address owner, weights of tracked objects are dropped.
    mutating func dropIgnoredWeights(inGroupWithoutWeights: Bool, _ context: inout ReadContext) {
        guard inGroupWithoutWeights || isAddressOwner else { return }
        let reason = inGroupWithoutWeights ? "its sync group has no sync_group_tracking_weight" : "its priority is 255"
        var interfaces: [TrackedInterface] = []
        for var tracked in trackInterfaces {
            if tracked.weight != 0 {
                if inGroupWithoutWeights {
                    context.warning("the weight of track_interface \(tracked.interface) is ignored: \(reason)", at: tracked.position)
                    tracked.weight = 0
                } else {
                    context.warning("track_interface \(tracked.interface) is ignored: \(reason)", at: tracked.position)
                    continue
                }
            }
            interfaces.append(tracked)
        }
        trackInterfaces = interfaces
        trackScripts.removeAll { reference in
            guard reference.weight != 0 else { return false }
            context.warning("track_script '\(reference.name)' with a weight is ignored: \(reason)", at: reference.position)
            return true
        }
        var files: [TrackReference] = []
        for var reference in trackFiles {
            if reference.weight == 1 && !reference.hasExplicitWeight || reference.weight == 1 {
                context.warning("the weight of track_file '\(reference.name)' is ignored: \(reason); keepalived uses weight 0 (write 'weight 0' to say so)",
                                at: reference.position)
                reference.weight = 0
            } else if reference.weight != 0 {
                context.warning("track_file '\(reference.name)' with weight \(reference.weight) is ignored: \(reason)", at: reference.position)
                continue
            }
            files.append(reference)
        }
        trackFiles = files
        trackBFDs.removeAll { reference in
            guard reference.weight != 0 else { return false }
            context.warning("track_bfd '\(reference.name)' with a weight is ignored: \(reason)", at: reference.position)
            return true
        }
    }
}
