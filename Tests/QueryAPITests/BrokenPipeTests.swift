import Foundation
import Testing

/// `fleetctl conn | head`: once the reader has gone, the built `fleetctl` ends quietly with status
/// 141 (as SIGPIPE's default would), not with Foundation's trap and a backtrace.
@Suite(.serialized)
struct BrokenPipeTests {
    /// The built executables: `$FLEETWATCH_BIN`, else the test bundle's directory.
    static var fleetctlPath: String {
        let directory = ProcessInfo.processInfo.environment["FLEETWATCH_BIN"]
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        return directory + "/fleetctl"
    }

    @Test(arguments: ["table", "json", "zeek"])
    func closedStdoutEndsQuietly(format: String) async throws {
        let path = Self.fleetctlPath
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) not built: run `swift build`")
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        let (status, errors) = try await fixture.withServer { port in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            // An absolute --since: the fixture's records are timed by its own clock, not this one.
            process.arguments = [
                "conn", "--since", "2000-01-01T00:00:00Z", "-o", format, "--server", "127.0.0.1:\(port)", "--token", APIFixture.token,
            ]
            // A pipe nobody reads: every write to standard output fails with EPIPE. The read end is
            // closed before the child starts (and close-on-exec meanwhile, so no other child inherits it).
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            close(ends[0])
            let output = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
            let errorPath = fixture.directory + "/stderr-\(format)"
            try #require(FileManager.default.createFile(atPath: errorPath, contents: nil))
            let errorOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
            process.standardOutput = output
            process.standardError = errorOutput
            try process.run()
            try output.close()
            try errorOutput.close()
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            let errors = try String(contentsOfFile: errorPath, encoding: .utf8)
            return (process.terminationStatus, errors)
        }
        #expect(status == 141)
        #expect(errors.isEmpty, "stderr: \(errors.prefix(300))")
    }
}
