package dev.uniplane.tck.model;

import dev.uniplane.api.IpFamily;

import java.util.Set;

/** How the flow tracker treats an ICMP or ICMPv6 message type. */
public enum IcmpKind {
    /** Echo request (type 8, ICMPv6 128): opens a flow keyed by its identifier. */
    ECHO_REQUEST,
    /** Echo reply (type 0, ICMPv6 129): passes as the reply of a live echo flow. */
    ECHO_REPLY,
    /**
     * An error carrying the header of the packet that caused it (destination unreachable, source quench, redirect,
     * time exceeded, parameter problem; ICMPv6 1-4): passes when related to a live flow.
     */
    ERROR,
    /** Any other message: evaluated on its own each time, never tracked. */
    OTHER;

    private static final Set<Integer> V4_ERRORS = Set.of(3, 4, 5, 11, 12);
    private static final Set<Integer> V6_ERRORS = Set.of(1, 2, 3, 4);

    /** The kind of a message type in a family. */
    public static IcmpKind of(IpFamily family, int type) {
        boolean v4 = family == IpFamily.IPV4;
        if (type == (v4 ? 8 : 128)) {
            return ECHO_REQUEST;
        }
        if (type == (v4 ? 0 : 129)) {
            return ECHO_REPLY;
        }
        return (v4 ? V4_ERRORS : V6_ERRORS).contains(type) ? ERROR : OTHER;
    }

    /** The IANA protocol number of ICMP in a family (1, or 58 for ICMPv6). */
    public static int protocolNumber(IpFamily family) {
        return family == IpFamily.IPV4 ? 1 : 58;
    }
}
