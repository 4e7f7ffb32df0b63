package dev.uniplane.tck.model;

import dev.uniplane.api.IpFamily;

/**
 * The ICMP part of a packet.
 *
 * @param type       message type (0-255)
 * @param code       message code (0-255)
 * @param identifier echo identifier (0-65535); 0 for other messages
 * @param original   for error messages, the 5-tuple of the embedded original packet as it was sent (see
 *                   {@link Packet#flowKey()}); {@code null} for other messages
 */
public record IcmpMessage(int type, int code, int identifier, FlowKey original) {

    /** Validates the ranges. */
    public IcmpMessage {
        range("type", type, 255);
        range("code", code, 255);
        range("identifier", identifier, 65535);
    }

    public static IcmpMessage echoRequest(IpFamily family, int identifier) {
        return new IcmpMessage(family == IpFamily.IPV4 ? 8 : 128, 0, identifier, null);
    }

    public static IcmpMessage echoReply(IpFamily family, int identifier) {
        return new IcmpMessage(family == IpFamily.IPV4 ? 0 : 129, 0, identifier, null);
    }

    /** Destination (port) unreachable about {@code original}: type 3 code 3, ICMPv6 type 1 code 4. */
    public static IcmpMessage portUnreachable(IpFamily family, FlowKey original) {
        return family == IpFamily.IPV4 ? new IcmpMessage(3, 3, 0, original) : new IcmpMessage(1, 4, 0, original);
    }

    /** Time exceeded in transit about {@code original}: type 11, ICMPv6 type 3. */
    public static IcmpMessage timeExceeded(IpFamily family, FlowKey original) {
        return new IcmpMessage(family == IpFamily.IPV4 ? 11 : 3, 0, 0, original);
    }

    public IcmpKind kind(IpFamily family) {
        return IcmpKind.of(family, type);
    }

    private static void range(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(field + "=" + value + " must be between 0 and " + max);
        }
    }
}
