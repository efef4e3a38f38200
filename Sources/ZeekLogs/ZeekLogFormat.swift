/// Output format of a Zeek log.
public enum ZeekLogFormat: String, Sendable, Hashable, CaseIterable {
    /// Zeek's ASCII writer: `#`-header block, tab-separated rows, `#close` trailer.
    case tsv
    /// Zeek's JSON writer (`LogAscii::use_json`): one object per line, unset fields omitted.
    case json
}
