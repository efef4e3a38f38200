public import NIOSSL

/// TLS for the ingest listener.
public enum IngestTLS {
    /// A server context from PEM files (certificate chain, leaf first, and its private key); TLS 1.2 or later.
    /// - Throws: NIOSSL's error when a file is missing or not valid PEM, or the key does not match.
    public static func serverContext(certificatePath: String, privateKeyPath: String) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }
}
