/// A configuration file that cannot be used: names the key (dotted path from the top of the
/// file) and, when known, the file and line.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Dotted key path such as `tls.cert` ("" for the document itself).
    public var key: String
    /// What is wrong, e.g. `expected HOST:PORT, got "nope"`.
    public var message: String
    /// 1-based line of the offending value, when known.
    public var line: Int?
    /// The file, when loaded from one.
    public var file: String?

    /// Creates an error.
    public init(key: String, _ message: String, line: Int? = nil, file: String? = nil) {
        self.key = key
        self.message = message
        self.line = line
        self.file = file
    }

    /// `FILE:LINE: key: message`, with the parts that are known.
    public var description: String {
        var prefix = ""
        if let file { prefix += file + (line.map { ":\($0)" } ?? "") + ": " } else if let line { prefix += "line \(line): " }
        return prefix + (key.isEmpty ? "" : key + ": ") + message
    }

    func inFile(_ path: String) -> ConfigError {
        var copy = self
        copy.file = path
        return copy
    }
}
