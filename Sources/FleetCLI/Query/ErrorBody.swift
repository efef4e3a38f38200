import Foundation

/// Reads the API's JSON error body `{"error": "...", "parameter": "..."}`.
enum ErrorBody {
    static func message(_ body: [UInt8]) -> String? {
        guard !body.isEmpty,
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let message = object["error"] as? String else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingWhitespace
            return text.isEmpty ? nil : text
        }
        if let parameter = object["parameter"] as? String { return "\(message) (parameter \(parameter))" }
        return message
    }
}
