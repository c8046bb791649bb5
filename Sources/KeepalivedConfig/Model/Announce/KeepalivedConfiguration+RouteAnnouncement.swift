/// The top-level keyword of lvsd's own `lvsd_route_announce` block.
extension KeepalivedConfiguration {
    /// What `lvsd --config-test` says of a keyword keepalived does not have: the file is
    /// lvsd's from then on. keepalived 2.2.7 logs `Unknown keyword 'lvsd_route_announce'` and
    /// `keepalived -t` exits with status 5 (KEEPALIVED_EXIT_CONFIG_TEST).
    static func lvsdOnlyWarning(_ keyword: String) -> String {
        "'\(keyword)' is lvsd's own keyword: keepalived will not accept this file "
            + "(keepalived -t: \"Unknown keyword '\(keyword)'\", exit status 5)"
    }

    static var announceTopLevelKeywords: [Keyword<KeepalivedConfiguration>] {
        [
            .block(RouteAnnouncementSettings.blockKeyword) { config, s, c in
                c.warning(lvsdOnlyWarning(s.keyword.text), at: s.keyword.position)
                c.extraArguments(s, after: 0)
                if let first = config.routeAnnouncement {
                    c.error("a second \(s.keyword.text) block", at: s.keyword.position,
                            notes: [.init("the first is here", at: first.position)])
                    return
                }
                var settings = RouteAnnouncementSettings(position: s.keyword.position)
                RouteAnnouncementSettings.keywords.read(s.block ?? [], into: &settings, &c)
                config.routeAnnouncement = settings
            },
        ]
    }

    mutating func resolveRouteAnnouncement(_ context: inout ReadContext) {
        routeAnnouncement?.check(virtualServers: virtualServers, groups: virtualServerGroups, &context)
    }
}
