package dev.uniplane.spi.policy;

import dev.uniplane.api.PortRange;
import dev.uniplane.api.Protocol;
import java.util.List;
import java.util.Objects;

/**
 * One resolved entry of a rule's port list. {@link Protocol#ANY} occurs only without a range (any protocol, any
 * port); a {@link dev.uniplane.api.PortMatch} of ANY with a range resolves to one entry each for TCP, UDP and SCTP.
 *
 * @param protocol the protocol
 * @param range    the destination ports, or {@code null} for every port (or none, for ICMP)
 */
public record ResolvedPort(Protocol protocol, PortRange range) {

    /** Checks that a range comes with a protocol that has ports. */
    public ResolvedPort {
        Objects.requireNonNull(protocol, "protocol");
        if (range != null && !protocol.hasPorts()) {
            throw new IllegalArgumentException(protocol + " with ports " + range);
        }
    }

    /** The range as aligned port prefixes; empty without a range. */
    public List<PortPrefix> prefixes() {
        return range == null ? List.of() : PortPrefixes.of(range);
    }

    /** Whether a packet with this IANA protocol number and destination port matches. */
    public boolean matches(int protocolNumber, int port) {
        if (range == null) {
            return protocol == Protocol.ANY || protocol.number() == protocolNumber;
        }
        return protocol.number() == protocolNumber && range.contains(port);
    }
}
