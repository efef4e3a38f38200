/// Zeek's ssl.log name tables (base/protocols/ssl/consts.zeek): versions, cipher
/// suites, curves and alerts, with Zeek's `unknown-<n>` fallbacks.
public enum TLSNames {
    /// `version`: `TLSv12`, `DTLSv12`, `TLSv13-draft23`, or `unknown-<n>`.
    public static func version(_ value: UInt16) -> String {
        switch value {
        case 0x0002: return "SSLv2"
        case 0x0300: return "SSLv3"
        case 0x0301: return "TLSv10"
        case 0x0302: return "TLSv11"
        case 0x0303: return "TLSv12"
        case 0x0304: return "TLSv13"
        case 0xFEFF: return "DTLSv10"
        case 0xFEFD: return "DTLSv12"
        case 0xFEFC: return "DTLSv13"
        default:
            if value / 0xFF == 0x7F { return "TLSv13-draft\(value % 0x7F)" }
            return "unknown-\(value)"
        }
    }

    /// `cipher`: the IANA cipher-suite name as Zeek spells it, or `unknown-<n>`.
    public static func cipher(_ value: UInt16) -> String {
        cipherNames[value] ?? "unknown-\(value)"
    }

    /// `curve`: named group, or `unknown-<n>`.
    public static func curve(_ value: UInt16) -> String {
        curveNames[value] ?? "unknown-\(value)"
    }

    /// `last_alert`: alert description name, or `unknown-<n>`.
    public static func alert(_ value: UInt8) -> String {
        switch value {
        case 0: return "close_notify"
        case 10: return "unexpected_message"
        case 20: return "bad_record_mac"
        case 21: return "decryption_failed"
        case 22: return "record_overflow"
        case 30: return "decompression_failure"
        case 40: return "handshake_failure"
        case 41: return "no_certificate"
        case 42: return "bad_certificate"
        case 43: return "unsupported_certificate"
        case 44: return "certificate_revoked"
        case 45: return "certificate_expired"
        case 46: return "certificate_unknown"
        case 47: return "illegal_parameter"
        case 48: return "unknown_ca"
        case 49: return "access_denied"
        case 50: return "decode_error"
        case 51: return "decrypt_error"
        case 60: return "export_restriction"
        case 70: return "protocol_version"
        case 71: return "insufficient_security"
        case 80: return "internal_error"
        case 86: return "inappropriate_fallback"
        case 90: return "user_canceled"
        case 100: return "no_renegotiation"
        case 110: return "unsupported_extension"
        case 111: return "certificate_unobtainable"
        case 112: return "unrecognized_name"
        case 113: return "bad_certificate_status_response"
        case 114: return "bad_certificate_hash_value"
        case 115: return "unknown_psk_identity"
        case 116: return "certificate_required"
        case 117: return "general_error"
        case 120: return "no_application_protocol"
        case 121: return "ech_required"
        default: return "unknown-\(value)"
        }
    }

    private static let cipherNames: [UInt16: String] = [
        0x0000: "TLS_NULL_WITH_NULL_NULL",
        0x0001: "TLS_RSA_WITH_NULL_MD5",
        0x0002: "TLS_RSA_WITH_NULL_SHA",
        0x0003: "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
        0x0004: "TLS_RSA_WITH_RC4_128_MD5",
        0x0005: "TLS_RSA_WITH_RC4_128_SHA",
        0x0006: "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
        0x0007: "TLS_RSA_WITH_IDEA_CBC_SHA",
        0x0008: "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
        0x0009: "TLS_RSA_WITH_DES_CBC_SHA",
        0x000A: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        0x000B: "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA",
        0x000C: "TLS_DH_DSS_WITH_DES_CBC_SHA",
        0x000D: "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA",
        0x000E: "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA",
        0x000F: "TLS_DH_RSA_WITH_DES_CBC_SHA",
        0x0010: "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA",
        0x0011: "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",
        0x0012: "TLS_DHE_DSS_WITH_DES_CBC_SHA",
        0x0013: "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
        0x0014: "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
        0x0015: "TLS_DHE_RSA_WITH_DES_CBC_SHA",
        0x0016: "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
        0x0017: "TLS_DH_ANON_EXPORT_WITH_RC4_40_MD5",
        0x0018: "TLS_DH_ANON_WITH_RC4_128_MD5",
        0x0019: "TLS_DH_ANON_EXPORT_WITH_DES40_CBC_SHA",
        0x001A: "TLS_DH_ANON_WITH_DES_CBC_SHA",
        0x001B: "TLS_DH_ANON_WITH_3DES_EDE_CBC_SHA",
        0x002C: "TLS_PSK_WITH_NULL_SHA",
        0x002D: "TLS_DHE_PSK_WITH_NULL_SHA",
        0x002E: "TLS_RSA_PSK_WITH_NULL_SHA",
        0x002F: "TLS_RSA_WITH_AES_128_CBC_SHA",
        0x0030: "TLS_DH_DSS_WITH_AES_128_CBC_SHA",
        0x0031: "TLS_DH_RSA_WITH_AES_128_CBC_SHA",
        0x0032: "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
        0x0033: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        0x0034: "TLS_DH_ANON_WITH_AES_128_CBC_SHA",
        0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
        0x0036: "TLS_DH_DSS_WITH_AES_256_CBC_SHA",
        0x0037: "TLS_DH_RSA_WITH_AES_256_CBC_SHA",
        0x0038: "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
        0x0039: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        0x003A: "TLS_DH_ANON_WITH_AES_256_CBC_SHA",
        0x003B: "TLS_RSA_WITH_NULL_SHA256",
        0x003C: "TLS_RSA_WITH_AES_128_CBC_SHA256",
        0x003D: "TLS_RSA_WITH_AES_256_CBC_SHA256",
        0x003E: "TLS_DH_DSS_WITH_AES_128_CBC_SHA256",
        0x003F: "TLS_DH_RSA_WITH_AES_128_CBC_SHA256",
        0x0040: "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
        0x0041: "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
        0x0042: "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA",
        0x0043: "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA",
        0x0044: "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA",
        0x0045: "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA",
        0x0046: "TLS_DH_ANON_WITH_CAMELLIA_128_CBC_SHA",
        0x0060: "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5",
        0x0061: "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5",
        0x0062: "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
        0x0063: "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA",
        0x0064: "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
        0x0065: "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA",
        0x0066: "TLS_DHE_DSS_WITH_RC4_128_SHA",
        0x0067: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        0x0068: "TLS_DH_DSS_WITH_AES_256_CBC_SHA256",
        0x0069: "TLS_DH_RSA_WITH_AES_256_CBC_SHA256",
        0x006A: "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
        0x006B: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        0x006C: "TLS_DH_ANON_WITH_AES_128_CBC_SHA256",
        0x006D: "TLS_DH_ANON_WITH_AES_256_CBC_SHA256",
        0x0084: "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",
        0x0085: "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA",
        0x0086: "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA",
        0x0087: "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA",
        0x0088: "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA",
        0x0089: "TLS_DH_ANON_WITH_CAMELLIA_256_CBC_SHA",
        0x008A: "TLS_PSK_WITH_RC4_128_SHA",
        0x008B: "TLS_PSK_WITH_3DES_EDE_CBC_SHA",
        0x008C: "TLS_PSK_WITH_AES_128_CBC_SHA",
        0x008D: "TLS_PSK_WITH_AES_256_CBC_SHA",
        0x008E: "TLS_DHE_PSK_WITH_RC4_128_SHA",
        0x008F: "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA",
        0x0090: "TLS_DHE_PSK_WITH_AES_128_CBC_SHA",
        0x0091: "TLS_DHE_PSK_WITH_AES_256_CBC_SHA",
        0x0092: "TLS_RSA_PSK_WITH_RC4_128_SHA",
        0x0093: "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA",
        0x0094: "TLS_RSA_PSK_WITH_AES_128_CBC_SHA",
        0x0095: "TLS_RSA_PSK_WITH_AES_256_CBC_SHA",
        0x0096: "TLS_RSA_WITH_SEED_CBC_SHA",
        0x0097: "TLS_DH_DSS_WITH_SEED_CBC_SHA",
        0x0098: "TLS_DH_RSA_WITH_SEED_CBC_SHA",
        0x0099: "TLS_DHE_DSS_WITH_SEED_CBC_SHA",
        0x009A: "TLS_DHE_RSA_WITH_SEED_CBC_SHA",
        0x009B: "TLS_DH_ANON_WITH_SEED_CBC_SHA",
        0x009C: "TLS_RSA_WITH_AES_128_GCM_SHA256",
        0x009D: "TLS_RSA_WITH_AES_256_GCM_SHA384",
        0x009E: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        0x009F: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        0x00A0: "TLS_DH_RSA_WITH_AES_128_GCM_SHA256",
        0x00A1: "TLS_DH_RSA_WITH_AES_256_GCM_SHA384",
        0x00A2: "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",
        0x00A3: "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
        0x00A4: "TLS_DH_DSS_WITH_AES_128_GCM_SHA256",
        0x00A5: "TLS_DH_DSS_WITH_AES_256_GCM_SHA384",
        0x00A6: "TLS_DH_ANON_WITH_AES_128_GCM_SHA256",
        0x00A7: "TLS_DH_ANON_WITH_AES_256_GCM_SHA384",
        0x00A8: "TLS_PSK_WITH_AES_128_GCM_SHA256",
        0x00A9: "TLS_PSK_WITH_AES_256_GCM_SHA384",
        0x00AA: "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256",
        0x00AB: "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384",
        0x00AC: "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256",
        0x00AD: "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384",
        0x00AE: "TLS_PSK_WITH_AES_128_CBC_SHA256",
        0x00AF: "TLS_PSK_WITH_AES_256_CBC_SHA384",
        0x00B0: "TLS_PSK_WITH_NULL_SHA256",
        0x00B1: "TLS_PSK_WITH_NULL_SHA384",
        0x00BA: "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256",
        0x00BE: "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",
        0x00C0: "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256",
        0x00C4: "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256",
        0x00FF: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        0x1301: "TLS_AES_128_GCM_SHA256",
        0x1302: "TLS_AES_256_GCM_SHA384",
        0x1303: "TLS_CHACHA20_POLY1305_SHA256",
        0x1304: "TLS_AES_128_CCM_SHA256",
        0x1305: "TLS_AES_128_CCM_8_SHA256",
        0x5600: "TLS_FALLBACK_SCSV",
        0xC001: "TLS_ECDH_ECDSA_WITH_NULL_SHA",
        0xC002: "TLS_ECDH_ECDSA_WITH_RC4_128_SHA",
        0xC003: "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",
        0xC004: "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",
        0xC005: "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",
        0xC006: "TLS_ECDHE_ECDSA_WITH_NULL_SHA",
        0xC007: "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        0xC008: "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
        0xC009: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        0xC00A: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        0xC00B: "TLS_ECDH_RSA_WITH_NULL_SHA",
        0xC00C: "TLS_ECDH_RSA_WITH_RC4_128_SHA",
        0xC00D: "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",
        0xC00E: "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA",
        0xC00F: "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",
        0xC010: "TLS_ECDHE_RSA_WITH_NULL_SHA",
        0xC011: "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        0xC012: "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        0xC013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        0xC014: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        0xC015: "TLS_ECDH_ANON_WITH_NULL_SHA",
        0xC016: "TLS_ECDH_ANON_WITH_RC4_128_SHA",
        0xC017: "TLS_ECDH_ANON_WITH_3DES_EDE_CBC_SHA",
        0xC018: "TLS_ECDH_ANON_WITH_AES_128_CBC_SHA",
        0xC019: "TLS_ECDH_ANON_WITH_AES_256_CBC_SHA",
        0xC01A: "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA",
        0xC01B: "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA",
        0xC01C: "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA",
        0xC01D: "TLS_SRP_SHA_WITH_AES_128_CBC_SHA",
        0xC01E: "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA",
        0xC01F: "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA",
        0xC020: "TLS_SRP_SHA_WITH_AES_256_CBC_SHA",
        0xC021: "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA",
        0xC022: "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA",
        0xC023: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        0xC024: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        0xC025: "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256",
        0xC026: "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",
        0xC027: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        0xC028: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        0xC029: "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256",
        0xC02A: "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384",
        0xC02B: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        0xC02C: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        0xC02D: "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",
        0xC02E: "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",
        0xC02F: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        0xC030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        0xC031: "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256",
        0xC032: "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384",
        0xC033: "TLS_ECDHE_PSK_WITH_RC4_128_SHA",
        0xC034: "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA",
        0xC035: "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA",
        0xC036: "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA",
        0xC037: "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",
        0xC038: "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384",
        0xC039: "TLS_ECDHE_PSK_WITH_NULL_SHA",
        0xC03A: "TLS_ECDHE_PSK_WITH_NULL_SHA256",
        0xC03B: "TLS_ECDHE_PSK_WITH_NULL_SHA384",
        0xC072: "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",
        0xC073: "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",
        0xC076: "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",
        0xC077: "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384",
        0xC09C: "TLS_RSA_WITH_AES_128_CCM",
        0xC09D: "TLS_RSA_WITH_AES_256_CCM",
        0xC09E: "TLS_DHE_RSA_WITH_AES_128_CCM",
        0xC09F: "TLS_DHE_RSA_WITH_AES_256_CCM",
        0xC0A0: "TLS_RSA_WITH_AES_128_CCM_8",
        0xC0A1: "TLS_RSA_WITH_AES_256_CCM_8",
        0xC0A2: "TLS_DHE_RSA_WITH_AES_128_CCM_8",
        0xC0A3: "TLS_DHE_RSA_WITH_AES_256_CCM_8",
        0xC0A4: "TLS_PSK_WITH_AES_128_CCM",
        0xC0A5: "TLS_PSK_WITH_AES_256_CCM",
        0xC0AC: "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
        0xC0AD: "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
        0xC0AE: "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
        0xC0AF: "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8",
        0xCC13: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD",
        0xCC14: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD",
        0xCC15: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD",
        0xCCA8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xCCA9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        0xCCAA: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xCCAB: "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256",
        0xCCAC: "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
        0xCCAD: "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
        0xCCAE: "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256",
    ]

    private static let curveNames: [UInt16: String] = [
        1: "sect163k1",
        2: "sect163r1",
        3: "sect163r2",
        4: "sect193r1",
        5: "sect193r2",
        6: "sect233k1",
        7: "sect233r1",
        8: "sect239k1",
        9: "sect283k1",
        10: "sect283r1",
        11: "sect409k1",
        12: "sect409r1",
        13: "sect571k1",
        14: "sect571r1",
        15: "secp160k1",
        16: "secp160r1",
        17: "secp160r2",
        18: "secp192k1",
        19: "secp192r1",
        20: "secp224k1",
        21: "secp224r1",
        22: "secp256k1",
        23: "secp256r1",
        24: "secp384r1",
        25: "secp521r1",
        26: "brainpoolP256r1",
        27: "brainpoolP384r1",
        28: "brainpoolP512r1",
        29: "x25519",
        30: "x448",
        31: "brainpoolP256r1tls13",
        32: "brainpoolP384r1tls13",
        33: "brainpoolP512r1tls13",
        34: "GC256A",
        35: "GC256B",
        36: "GC256C",
        37: "GC256D",
        38: "GC512A",
        39: "GC512B",
        40: "GC512C",
        41: "curveSM2",
        256: "ffdhe2048",
        257: "ffdhe3072",
        258: "ffdhe4096",
        259: "ffdhe6144",
        260: "ffdhe8192",
        512: "MLKEM512",
        513: "MLKEM768",
        514: "MLKEM1024",
        2570: "grease_0x0A0A",
        4587: "SecP256r1MLKEM768",
        4588: "X25519MLKEM768",
        4589: "SecP384r1MLKEM1024",
        4590: "curveSM2MLKEM768",
        6682: "grease_0x1A1A",
        10794: "grease_0x2A2A",
        14906: "grease_0x3A3A",
        16696: "CECPQ2",
        19018: "grease_0x4A4A",
        23130: "grease_0x5A5A",
        25497: "X25519Kyber768Draft00",
        25498: "SecP256r1Kyber768Draft00",
        27242: "grease_0x6A6A",
        31354: "grease_0x7A7A",
        35466: "grease_0x8A8A",
        39578: "grease_0x9A9A",
        43690: "grease_0xAAAA",
        47802: "grease_0xBABA",
        51914: "grease_0xCACA",
        56026: "grease_0xDADA",
        60138: "grease_0xEAEA",
        64250: "grease_0xFAFA",
        65281: "arbitrary_explicit_prime_curves",
        65282: "arbitrary_explicit_char2_curves",
    ]
}
