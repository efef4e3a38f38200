/// Any message of the wire protocol.
public enum WireMessage: Sendable, Hashable {
    case hello(WireHello)
    case batch(WireBatch)
    case ack(WireAck)
    case error(WireError)
}
