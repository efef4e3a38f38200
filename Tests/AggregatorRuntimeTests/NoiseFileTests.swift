import AggregatorRuntime
import Detectors
import FleetConfig
import FleetModel
import Foundation
import Testing

/// `--noise FILE`: the file and the allowlist files it names are read from disk; errors name file and line.
@Suite struct NoiseFileTests {
    @Test func loadsTheFileAndItsRelativeAllowlists() throws {
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        try FileManager.default.createDirectory(atPath: directory.file("lists"), withIntermediateDirectories: true)
        try "endpoint metadata-standin 169.254.10.254/32\nallowlist lists/vendors.txt agents=vm-1\n"
            .write(toFile: directory.file("noise.conf"), atomically: true, encoding: .utf8)
        try "# vendors\n198.51.100.0/24\nsni api.vendor.example\n".write(
            toFile: directory.file("lists/vendors.txt"), atomically: true, encoding: .utf8)
        let configuration = try NoiseFile.load(directory.file("noise.conf"))
        let model = configuration.model(fleet: [])
        #expect(model.classify(IPAddress("169.254.10.254") ?? .v4(0), agent: "vm-2") == .cloudService("metadata-standin"))
        #expect(model.isAllowlisted(IPAddress("198.51.100.9") ?? .v4(0), agent: "vm-1"))
        #expect(!model.isAllowlisted(IPAddress("198.51.100.9") ?? .v4(0), agent: "vm-2"))
        #expect(model.isAllowlisted(sni: "api.vendor.example", agent: "vm-1"))
    }

    @Test func errorsNameTheFileAndLine() throws {
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        try "allowlist missing.txt\n".write(toFile: directory.file("noise.conf"), atomically: true, encoding: .utf8)
        let missing = #expect(throws: NoiseFileError.self) { try NoiseFile.load(directory.file("noise.conf")) }
        #expect(missing?.message.contains("missing.txt") == true)
        try "allow cidr 10.0.0.0/8\nallow cidr nonsense\n".write(toFile: directory.file("bad.conf"), atomically: true, encoding: .utf8)
        let bad = #expect(throws: NoiseFileError.self) { try NoiseFile.load(directory.file("bad.conf")) }
        #expect(bad?.message == directory.file("bad.conf") + ":2: not a CIDR: nonsense")
    }
}
