import FleetCLI
import Foundation
import Testing

struct ClientPartsTests {
    @Test(arguments: [
        ("127.0.0.1:7071", "127.0.0.1", 7071), ("http://agg.example:80/", "agg.example", 80),
        ("[::1]:9000", "::1", 9000), ("localhost:1", "localhost", 1),
    ])
    func endpoints(text: String, host: String, port: Int) throws {
        #expect(try ServerEndpoint(parsing: text) == ServerEndpoint(host: host, port: port))
    }

    @Test(arguments: ["", "host", "host:0", "host:65536", ":80", "https://host:443", "[::1]9000", "host:port"])
    func badEndpoints(text: String) {
        #expect(throws: FleetctlError.self) { try ServerEndpoint(parsing: text) }
    }

    @Test func precedenceFlagsThenEnvironmentThenFileThenDefault() throws {
        let directory = NSTemporaryDirectory() + "fleetctl-conf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/fleetctl.conf"
        try "server = file.example:1\ntoken: file-token\n".write(toFile: path, atomically: true, encoding: .utf8)
        let environment = ["FLEETCTL_CONFIG": path]
        var resolved = try ClientConfiguration.resolve(server: nil, token: nil, environment: environment)
        #expect(resolved == ClientConfiguration(endpoint: ServerEndpoint(host: "file.example", port: 1), token: "file-token"))
        resolved = try ClientConfiguration.resolve(
            server: nil, token: nil, environment: environment.merging(["FLEET_SERVER": "env.example:2", "FLEET_TOKEN": "env"]) { $1 })
        #expect(resolved == ClientConfiguration(endpoint: ServerEndpoint(host: "env.example", port: 2), token: "env"))
        resolved = try ClientConfiguration.resolve(
            server: "flag.example:3", token: "flag", environment: environment.merging(["FLEET_SERVER": "env.example:2"]) { $1 })
        #expect(resolved == ClientConfiguration(endpoint: ServerEndpoint(host: "flag.example", port: 3), token: "flag"))
        resolved = try ClientConfiguration.resolve(server: nil, token: nil, environment: ["HOME": directory])
        #expect(resolved == ClientConfiguration(endpoint: .defaultEndpoint, token: nil))
        // XDG_CONFIG_HOME is honoured.
        try FileManager.default.createDirectory(atPath: directory + "/fleetwatch", withIntermediateDirectories: true)
        try "server=xdg.example:4\n".write(toFile: directory + "/fleetwatch/fleetctl.conf", atomically: true, encoding: .utf8)
        resolved = try ClientConfiguration.resolve(server: nil, token: nil, environment: ["XDG_CONFIG_HOME": directory])
        #expect(resolved.endpoint == ServerEndpoint(host: "xdg.example", port: 4))
        // A bad line is one clear error naming file and line.
        try "server = a:1\ncolour = blue\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: FleetctlError.self) {
            try ClientConfiguration.resolve(server: nil, token: nil, environment: environment)
        }
        #expect(error?.message == "\(path):2: unknown key colour (expected server or token)")
    }
}
