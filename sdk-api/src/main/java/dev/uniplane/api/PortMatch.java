package dev.uniplane.api;

/**
 * One entry of a rule's port list: a protocol and optionally a port range ({@code null} = every port).
 * ICMP and ICMPv6 have no ports, so a range with them is invalid.
 */
public record PortMatch(Protocol protocol, PortRange range) {

    public PortMatch {
        Check.notNull("protocol", protocol);
        if (range != null && (protocol == Protocol.ICMP || protocol == Protocol.ICMPV6)) {
            throw new InvalidSpecException("range", range, protocol + " has no ports");
        }
    }

    public static PortMatch tcp(int port) {
        return new PortMatch(Protocol.TCP, PortRange.single(port));
    }

    public static PortMatch udp(int port) {
        return new PortMatch(Protocol.UDP, PortRange.single(port));
    }

    public static PortMatch of(Protocol protocol, int from, int to) {
        return new PortMatch(protocol, PortRange.of(from, to));
    }

    public static PortMatch any(Protocol protocol) {
        return new PortMatch(protocol, null);
    }

    /** Whether a packet with this IANA protocol number and destination port (ignored for portless protocols) matches. */
    public boolean matches(int protocolNumber, int destinationPort) {
        if (range == null) {
            return protocol == Protocol.ANY || protocol.number() == protocolNumber;
        }
        boolean protocolOk = protocol == Protocol.ANY
                ? Protocol.ofNumber(protocolNumber) != null && Protocol.ofNumber(protocolNumber).hasPorts()
                : protocol.number() == protocolNumber;
        return protocolOk && range.contains(destinationPort);
    }
}
