public import Detectors
import Foundation

/// Reads a noise file (the aggregator's `--noise FILE`, `fleetctl analyze --noise FILE`) and the allowlist files it names (see ``NoiseConfiguration`` for
/// the format). Relative `allowlist` paths are resolved against the noise file's directory.
public enum NoiseFile {
    /// Largest file read (noise file or allowlist), so a wrong path cannot exhaust memory.
    public static let maximumBytes = 16 << 20

    /// Loads and parses `path` and every allowlist file it names.
    /// - Throws: ``NoiseFileError`` with the file (and line) at fault; nothing is half-loaded.
    public static func load(_ path: String) throws(NoiseFileError) -> NoiseConfiguration {
        var configuration: NoiseConfiguration
        do {
            configuration = try NoiseConfiguration.parse(try read(path), source: path)
        } catch let error as NoiseConfigurationError {
            throw NoiseFileError(message: error.description)
        } catch {
            throw NoiseFileError(message: "\(error)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        for include in configuration.allowlistFiles {
            let file = include.path.hasPrefix("/") || directory.isEmpty
                ? include.path : directory + "/" + include.path
            do {
                try configuration.addAllowlist(try read(file), source: file, agents: include.agents)
            } catch let error as NoiseConfigurationError {
                throw NoiseFileError(message: error.description)
            } catch {
                throw NoiseFileError(message: "\(error)")
            }
        }
        return configuration
    }

    private static func read(_ path: String) throws(NoiseFileError) -> String {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw NoiseFileError(message: "\(path): cannot read: \(error.localizedDescription)")
        }
        guard data.count <= maximumBytes else { throw NoiseFileError(message: "\(path): larger than \(maximumBytes) bytes") }
        guard let text = String(data: data, encoding: .utf8) else { throw NoiseFileError(message: "\(path): not UTF-8 text") }
        return text
    }
}

/// A noise or allowlist file that could not be read or parsed.
public struct NoiseFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `file:line: problem`, or `file: problem`.
    public var message: String
    public var description: String { message }
}
