/// DNS name helpers shared by the backends, so suffix matching means the same everywhere.
public enum DNSName {
    /// The name lowercased (ASCII only), without leading/trailing dots, and with its characters
    /// reversed, so a domain suffix becomes a prefix: `WWW.Example.com.` -> `moc.elpmaxe.www`.
    ///
    /// Backends index this key and answer a suffix filter with a prefix (range) scan.
    public static func reversedKey(_ name: some StringProtocol) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars.reversed() {
            if scalar.value >= 0x41 && scalar.value <= 0x5A, let lower = Unicode.Scalar(scalar.value + 0x20) {
                scalars.append(lower)
            } else {
                scalars.append(scalar)
            }
        }
        var text = String(scalars)
        while text.hasPrefix(".") { text.removeFirst() }
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// True when `name` equals `suffix` or lies below it (label boundary), ASCII case-insensitive.
    public static func name(_ name: some StringProtocol, hasSuffix suffix: some StringProtocol) -> Bool {
        let key = reversedKey(suffix)
        guard !key.isEmpty else { return false }
        let candidate = reversedKey(name)
        // Byte-wise, as SQL text comparison is, not by Character.
        return candidate.utf8.elementsEqual(key.utf8) || candidate.utf8.starts(with: (key + ".").utf8)
    }
}
