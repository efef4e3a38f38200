import FleetModel
import Foundation
import Storage

/// How addresses are stored: a family byte (4 or 6) followed by the address in network order
/// (5 or 17 bytes). Blobs compare byte-wise, so a network is one contiguous range of blobs, and
/// the family byte keeps IPv4 and IPv6 ranges apart: a CIDR filter is an indexable BETWEEN.
enum AddressBlob {
    static func encode(_ address: IPAddress) -> Data {
        switch address {
        case .v4(let value):
            return Data([
                4, UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
            ])
        case .v6(let high, let low):
            var bytes = [UInt8](repeating: 6, count: 17)
            for index in 0..<8 {
                let shift = UInt64(56 - 8 * index)
                bytes[1 + index] = UInt8(truncatingIfNeeded: high >> shift)
                bytes[9 + index] = UInt8(truncatingIfNeeded: low >> shift)
            }
            return Data(bytes)
        }
    }

    static func decode(_ data: Data) throws(StorageError) -> IPAddress {
        let bytes = [UInt8](data)
        if bytes.count == 5, bytes[0] == 4 {
            return .v4(UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4]))
        }
        if bytes.count == 17, bytes[0] == 6 {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<8 {
                high = high << 8 | UInt64(bytes[1 + index])
                low = low << 8 | UInt64(bytes[9 + index])
            }
            return .v6(high, low)
        }
        throw StorageError.corruptData.with(message: "address blob of \(bytes.count) bytes")
    }
}
