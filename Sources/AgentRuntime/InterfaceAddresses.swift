#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import FleetModel

/// The IP addresses configured on a network interface, read with `getifaddrs`: what a live-capturing agent
/// reports in its hello as the VM's addresses (the aggregator's noise model treats them as the fleet's own hosts).
public enum InterfaceAddresses {
    /// IPv4 and IPv6 addresses of the interface `name`, in the order the kernel lists them, without duplicates.
    /// An unknown interface, or a failing `getifaddrs`, gives an empty list (the hello then carries none).
    public static func of(interface name: String) -> [IPAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let namePointer = entry.pointee.ifa_name, String(cString: namePointer) == name,
                let socketAddress = entry.pointee.ifa_addr, let address = address(of: socketAddress),
                !addresses.contains(address)
            else { continue }
            addresses.append(address)
        }
        return addresses
    }

    /// The address in an `AF_INET` or `AF_INET6` socket address; nil for other families.
    static func address(of socketAddress: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            return socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                .v4(UInt32(bigEndian: v4.pointee.sin_addr.s_addr))
            }
        case AF_INET6:
            return socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                withUnsafeBytes(of: v6.pointee.sin6_addr) { bytes in
                    var high: UInt64 = 0
                    var low: UInt64 = 0
                    for (index, byte) in bytes.prefix(16).enumerated() {
                        if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
                    }
                    return .v6(high, low)
                }
            }
        default:
            return nil
        }
    }
}
