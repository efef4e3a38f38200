import Foundation

/// Reads a configuration file as UTF-8 text.
enum ConfigFile {
    /// The file's text.
    /// - Throws: ``ConfigError`` naming the file when it cannot be read or is too large.
    static func read(_ path: String, maxBytes: Int = 1 << 20) throws(ConfigError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(key: "", "cannot read: \(error.localizedDescription)", file: path)
        }
        guard data.count <= maxBytes else {
            throw ConfigError(key: "", "file is larger than \(maxBytes) bytes", file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(key: "", "not UTF-8 text", file: path)
        }
        return text
    }
}
