import Foundation

/// A veth pair: `hostInterface` in this namespace (no address), its peer inside a network
/// namespace of our own with 10.200.0.2/30 and a permanent neighbour entry for 10.200.0.1 →
/// the host end's MAC, so traffic from the namespace leaves through the pair without ARP and
/// without any address in the host namespace. Torn down by `tearDown()` (idempotent).
struct NetnsFixture {
    static let hostMAC = "02:00:0a:c8:00:01"
    static let hostAddress = "10.200.0.1"
    let namespace: String
    let hostInterface: String
    let peerInterface: String

    init() throws {
        let tag = String(getpid() % 100_000)
        namespace = "fwcapns\(tag)"
        hostInterface = "fwc\(tag)h"
        peerInterface = "fwc\(tag)p"
        tearDown()  // leftovers of an earlier crashed run with the same pid
        do {
            try Self.ip(["netns", "add", namespace])
            try Self.ip([
                "link", "add", hostInterface, "address", Self.hostMAC, "type", "veth",
                "peer", "name", peerInterface, "netns", namespace,
            ])
            try Self.ip(["link", "set", hostInterface, "up"])
            try Self.ip(["-n", namespace, "addr", "add", "10.200.0.2/30", "dev", peerInterface])
            try Self.ip(["-n", namespace, "link", "set", peerInterface, "up"])
            try Self.ip([
                "-n", namespace, "neigh", "replace", Self.hostAddress, "lladdr", Self.hostMAC,
                "dev", peerInterface, "nud", "permanent",
            ])
        } catch {
            tearDown()
            throw error
        }
    }

    /// Runs a shell command inside the namespace (killed by PID after `timeout` seconds).
    func runInNamespace(_ script: String, timeout: Double = 5) throws {
        try Self.run("/usr/sbin/ip", ["netns", "exec", namespace, "/bin/bash", "-c", script], timeout: timeout)
    }

    func tearDown() {
        try? Self.run("/usr/sbin/ip", ["link", "del", hostInterface], timeout: 5, quiet: true)
        try? Self.run("/usr/sbin/ip", ["netns", "del", namespace], timeout: 5, quiet: true)
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    static func ip(_ arguments: [String]) throws {
        try run("/usr/sbin/ip", arguments, timeout: 5)
    }

    static func run(_ path: String, _ arguments: [String], timeout: Double, quiet: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CommandFailed(description: "\(path) \(arguments.joined(separator: " ")): timed out")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            if quiet { return }
            throw CommandFailed(description: "\(path) \(arguments.joined(separator: " ")): \(message)")
        }
    }
}
