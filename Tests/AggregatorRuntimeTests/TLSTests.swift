import AgentCore
import AgentRuntime
import AggregatorRuntime
import FleetModel
import Foundation
import NIOSSL
import Storage
import StorageSQLite
import Testing

/// TLS between agent and aggregator, with server certificate verification.
@Suite(.serialized, .timeLimit(.minutes(2))) struct TLSTests {
    /// Writes a self-signed certificate for DNS name localhost only (no IP SAN, so a wrong name fails) and its key into `directory`.
    static func makeCertificate(in directory: String, name: String) throws -> (cert: String, key: String) {
        let cert = directory + "/\(name)-cert.pem"
        let key = directory + "/\(name)-key.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", key, "-out", cert,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl failed")
        return (cert, key)
    }

    @Test func verifiedTLSSessionDeliversAndWrongTrustIsRefused() async throws {
        let file = try #require(TestSupport.trace("tls-tls1.2.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let server = try Self.makeCertificate(in: directory.path, name: "server")
        let other = try Self.makeCertificate(in: directory.path, name: "other")
        let expected = try TestSupport.offlineRecords(file)
        let batches = try await TestSupport.producedBatches(file, policy: BatchPolicy(maxRecords: 3))
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let context = try IngestTLS.serverContext(certificatePath: server.cert, privateKeyPath: server.key)

        let server1 = try await IngestServer.bind(
            configuration: IngestServerConfiguration(host: "127.0.0.1", port: 0, authenticator: .anyAgent, tls: context),
            store: store, logger: TestSupport.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server1.run() }
            defer {
                server1.close()
                group.cancelAll()
            }
            let port = server1.localPort
            // Trusting another certificate: the handshake fails, nothing is delivered.
            var untrusted = TestSupport.shipperConfiguration(port: port)
            untrusted.tls = try ShipperTLS.verifying(trustRootsPath: other.cert, serverHostname: "localhost")
            untrusted.drainTimeout = .milliseconds(400)
            let refused = try Shipper(
                configuration: untrusted, spool: TestSupport.spool(directory.file("spool-untrusted")), logger: TestSupport.logger)
            let refusedSummary = try await refused.run(input: TestSupport.stream(batches))
            #expect(refusedSummary.ending == .timedOut)
            #expect(refusedSummary.connections == 0)
            // Wrong name in the certificate check.
            var misnamed = TestSupport.shipperConfiguration(port: port)
            misnamed.tls = try ShipperTLS.verifying(trustRootsPath: server.cert, serverHostname: "aggregator.example")
            misnamed.drainTimeout = .milliseconds(400)
            let misnamedShipper = try Shipper(
                configuration: misnamed, spool: TestSupport.spool(directory.file("spool-misnamed")), logger: TestSupport.logger)
            #expect(try await misnamedShipper.run(input: TestSupport.stream(batches)).connections == 0)
            // Plain TCP against the TLS listener: no session.
            var plain = TestSupport.shipperConfiguration(port: port)
            plain.drainTimeout = .milliseconds(400)
            let plainShipper = try Shipper(
                configuration: plain, spool: TestSupport.spool(directory.file("spool-plain")), logger: TestSupport.logger)
            #expect(try await plainShipper.run(input: TestSupport.stream(batches)).connections == 0)
            #expect(server1.counters.snapshot.batchesStored == 0)
            #expect(server1.counters.snapshot.tlsFailures >= 3)
            // Trusting the right certificate and name: everything arrives.
            var trusted = TestSupport.shipperConfiguration(port: port)
            trusted.tls = try ShipperTLS.verifying(trustRootsPath: server.cert, serverHostname: "localhost")
            let shipper = try Shipper(
                configuration: trusted, spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
            let summary = try await shipper.run(input: TestSupport.stream(batches))
            #expect(summary.ending == .drained)
        }
        try await TestSupport.expectStore(store, holds: expected)
    }
}
