/// keepalived's gratuitous ARP / unsolicited NA knobs for one instance (keepalived.conf(5),
/// `garp_*` in `vrrp_instance`, `vrrp_garp_*` / `vrrp_gna_interval` in `global_defs`).
public struct VRRPAnnouncementSettings: Sendable, Hashable {
    /// `garp_master_delay`: when the second block follows the first after becoming MASTER;
    /// zero: no second block. keepalived: 5 s.
    public var masterDelay: Duration
    /// `garp_master_repeat`: messages per address in each block. keepalived: 5.
    public var masterRepeat: Int
    /// `garp_lower_prio_delay`: as ``masterDelay`` after a lower priority advert, nil: the
    /// same as ``masterDelay``.
    public var lowerPriorityDelay: Duration?
    /// `garp_lower_prio_repeat`: nil: the same as ``masterRepeat``.
    public var lowerPriorityRepeat: Int?
    /// `garp_master_refresh`: announce again this often while MASTER; zero: never (keepalived's
    /// default).
    public var masterRefresh: Duration
    /// `garp_master_refresh_repeat`: messages per address at each refresh. keepalived: 1.
    public var masterRefreshRepeat: Int
    /// `vrrp_garp_interval`: the gap between two gratuitous ARPs on an interface. keepalived: 0.
    public var arpInterval: Duration
    /// `vrrp_gna_interval`: the gap between two unsolicited NAs on an interface. keepalived: 0.
    public var neighbourAdvertisementInterval: Duration

    public init(masterDelay: Duration = .seconds(5), masterRepeat: Int = 5, lowerPriorityDelay: Duration? = nil,
                lowerPriorityRepeat: Int? = nil, masterRefresh: Duration = .zero, masterRefreshRepeat: Int = 1,
                arpInterval: Duration = .zero, neighbourAdvertisementInterval: Duration = .zero) {
        self.masterDelay = masterDelay
        self.masterRepeat = masterRepeat
        self.lowerPriorityDelay = lowerPriorityDelay
        self.lowerPriorityRepeat = lowerPriorityRepeat
        self.masterRefresh = masterRefresh
        self.masterRefreshRepeat = masterRefreshRepeat
        self.arpInterval = arpInterval
        self.neighbourAdvertisementInterval = neighbourAdvertisementInterval
    }
}

/// When to send each gratuitous ARP / unsolicited NA: a pure timetable over an injected
/// instant type. The runner asks for ``due(at:)`` messages and sleeps until ``nextDeadline``.
///
/// Becoming MASTER at t sends `repeat` messages per address at once and, with a delay, another
/// `repeat` at t + delay; successive messages of one family are spaced by the interface
/// interval (`vrrp_garp_interval` / `vrrp_gna_interval`). While MASTER with a refresh, every
/// refresh period adds `garp_master_refresh_repeat` messages per address. Leaving MASTER
/// clears everything.
public struct AnnouncementSchedule<Instant: InstantProtocol>: Sendable
where Instant.Duration == Duration, Instant: Sendable {
    public let settings: VRRPAnnouncementSettings
    public let addresses: [VRRPAddress]
    /// Messages still to send, in time order.
    public private(set) var pending: [(at: Instant, address: VRRPAddress)] = []
    /// The next refresh while MASTER.
    public private(set) var refreshDeadline: Instant?
    /// When the last message of each family is scheduled, to space the next one.
    private var lastScheduled: [VRRPAddressFamily: Instant] = [:]

    public init(settings: VRRPAnnouncementSettings, addresses: [VRRPAddress]) {
        self.settings = settings
        self.addresses = addresses
    }

    /// Became MASTER at `now`.
    public mutating func becameMaster(at now: Instant) {
        clear()
        addBlock(repeat: settings.masterRepeat, from: now)
        if settings.masterDelay > .zero { addBlock(repeat: settings.masterRepeat, from: now.advanced(by: settings.masterDelay)) }
        if settings.masterRefresh > .zero { refreshDeadline = now.advanced(by: settings.masterRefresh) }
    }

    /// Still MASTER with new settings (a reload): `garp_master_refresh` runs again from `now`.
    public mutating func resumeRefresh(at now: Instant) {
        refreshDeadline = settings.masterRefresh > .zero ? now.advanced(by: settings.masterRefresh) : nil
    }

    /// As MASTER, a lower priority advert arrived at `now` (a healed partition).
    public mutating func lowerPriorityAdvert(at now: Instant) {
        let count = settings.lowerPriorityRepeat ?? settings.masterRepeat
        let delay = settings.lowerPriorityDelay ?? settings.masterDelay
        addBlock(repeat: count, from: now)
        if delay > .zero { addBlock(repeat: count, from: now.advanced(by: delay)) }
    }

    /// Left MASTER: nothing more to send.
    public mutating func clear() {
        pending = []
        refreshDeadline = nil
        lastScheduled = [:]
    }

    /// The earliest instant something is due.
    public var nextDeadline: Instant? {
        switch (pending.first?.at, refreshDeadline) {
        case (let a?, let b?): min(a, b)
        case (let a?, nil): a
        case (nil, let b?): b
        case (nil, nil): nil
        }
    }

    /// Removes and returns the messages due at `now` (refreshes add theirs first).
    public mutating func due(at now: Instant) -> [VRRPAddress] {
        if let refresh = refreshDeadline, refresh <= now {
            addBlock(repeat: settings.masterRefreshRepeat, from: refresh)
            refreshDeadline = refresh.advanced(by: settings.masterRefresh)
        }
        let split = pending.firstIndex { $0.at > now } ?? pending.count
        let result = pending[..<split].map(\.address)
        pending.removeFirst(split)
        return result
    }

    private mutating func addBlock(repeat count: Int, from start: Instant) {
        guard count > 0 else { return }
        for _ in 0..<count {
            for address in addresses {
                let interval = address.family == .ipv4 ? settings.arpInterval : settings.neighbourAdvertisementInterval
                var at = start
                if let last = lastScheduled[address.family], interval > .zero, last.advanced(by: interval) > at {
                    at = last.advanced(by: interval)
                }
                lastScheduled[address.family] = max(lastScheduled[address.family] ?? at, at)
                let index = pending.firstIndex { $0.at > at } ?? pending.count
                pending.insert((at, address), at: index)
            }
        }
    }
}
