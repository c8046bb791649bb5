/// What `init_file` did to one `track_file`'s file.
public enum TrackFileInitialization: Sendable, Hashable {
    /// The number was written (the file was missing, or `overwrite` asked for it).
    case written(path: String, value: Int)
    /// The file exists and is left alone (no `overwrite`, or a reload).
    case kept(path: String)
    /// The file could not be written: the step, the path, and the C library's text.
    case failed(path: String, reason: String)
}
