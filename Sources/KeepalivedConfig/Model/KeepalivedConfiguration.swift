/// A whole keepalived.conf as lvsd understands it: typed, immutable, with keepalived 2.2.7's
/// defaults and normalisations applied.
public struct KeepalivedConfiguration: Sendable {
    /// `global_defs`.
    public internal(set) var global = GlobalSettings()
    /// `virtual_server_group` blocks, in file order.
    public internal(set) var virtualServerGroups: [VirtualServerGroup] = []
    /// `virtual_server` blocks, in file order.
    public internal(set) var virtualServers: [VirtualServer] = []
    /// VRRP instances, scripts, sync groups, tracking and static addresses.
    public internal(set) var vrrp = VRRPSettings()
    /// `lvsd_route_announce` (lvsd's own block): announce the virtual IPs through a routing
    /// daemon; nil without the block.
    public internal(set) var routeAnnouncement: RouteAnnouncementSettings?

    public init() {}
}

/// The result of reading a configuration: the model (nil when the file has errors), and every
/// diagnostic found, in file order.
public struct ConfigLoadResult: Sendable {
    public var configuration: KeepalivedConfiguration?
    public var diagnostics: Diagnostics
    public var sources: SourceMap
}

extension KeepalivedConfiguration {
    /// Reads the configuration at `path` (with its includes) into the model and reports every
    /// problem: the language layer's and the model's, sorted by position (file, line, column;
    /// problems without a position first). The model is nil when there is an error.
    public static func load(path: String, options: ConfigReadOptions,
                            fileSystem: some ConfigFileSystem = LocalFileSystem()) -> ConfigLoadResult {
        let (document, readDiagnostics) = ConfigReader.read(path: path, options: options, fileSystem: fileSystem)
        var diagnostics = readDiagnostics
        var configuration: KeepalivedConfiguration?
        if !document.sources.files.isEmpty {
            let (model, modelDiagnostics) = build(from: document, configID: options.configID)
            diagnostics.append(contentsOf: modelDiagnostics)
            configuration = model
        }
        let sorted = diagnostics.sortedByPosition()
        return ConfigLoadResult(configuration: sorted.hasErrors ? nil : configuration,
                                diagnostics: sorted, sources: document.sources)
    }

    /// The keywords of the top level: those of the LVS side (global_defs, virtual servers)
    /// and those of the VRRP side.
    static let topLevel = KeywordTable<KeepalivedConfiguration>(
        "the top level", lvsTopLevelKeywords + vrrpTopLevelKeywords + announceTopLevelKeywords)

    /// Reads statements already parsed from a file into the model, then checks what refers
    /// to what across blocks.
    static func build(from document: ConfigDocument, configID: String?) -> (KeepalivedConfiguration, Diagnostics) {
        var context = ReadContext(configID: configID)
        var configuration = KeepalivedConfiguration()
        topLevel.read(document.statements, into: &configuration, &context)
        configuration.global.resolveNotifyFIFOs(&context)
        configuration.resolveLVS(&context)
        configuration.resolveVRRP(&context)
        configuration.resolveOwnership(&context)
        configuration.resolveRouteAnnouncement(&context)
        return (configuration, context.diagnostics)
    }
}
