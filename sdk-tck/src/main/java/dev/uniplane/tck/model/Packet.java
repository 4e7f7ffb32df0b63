package dev.uniplane.tck.model;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.Protocol;

import java.util.Objects;

/**
 * One packet as the dataplane receives it.
 *
 * @param origin          where it enters: a local endpoint's workload or the uplink
 * @param source          source address
 * @param destination     destination address, of the same family
 * @param protocol        IANA protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, 58 ICMPv6, anything else 0-255)
 * @param sourcePort      for TCP/UDP/SCTP (0-65535), else 0
 * @param destinationPort for TCP/UDP/SCTP (0-65535), else 0
 * @param tcpFlags        for TCP, else {@code null}
 * @param icmp            for ICMP of the packet's family (1 with IPv4, 58 with IPv6), else {@code null}; error
 *                        messages must carry their embedded original
 * @param ttl             TTL or hop limit as received (0-255)
 * @param length          IP packet length in bytes, which the byte counters add up
 */
public record Packet(Origin origin, IpAddress source, IpAddress destination, int protocol, int sourcePort,
                     int destinationPort, TcpFlags tcpFlags, IcmpMessage icmp, int ttl, int length) {

    /** TTL of packets built by the factories. */
    public static final int DEFAULT_TTL = 64;
    /** Length of packets built by the factories. */
    public static final int DEFAULT_LENGTH = 100;

    /** Validates the combination of protocol, ports, flags and ICMP header. */
    public Packet {
        Objects.requireNonNull(origin, "origin");
        FlowKey checked = new FlowKey(source, destination, protocol, sourcePort, destinationPort);
        boolean hasPorts = hasPorts(protocol);
        if (!hasPorts && (sourcePort != 0 || destinationPort != 0)) {
            throw new IllegalArgumentException("protocol " + protocol + " has no ports: " + checked);
        }
        if ((protocol == Protocol.TCP.number()) != (tcpFlags != null)) {
            throw new IllegalArgumentException("TCP flags are required for TCP and only for TCP: " + checked);
        }
        if (protocol == 1 || protocol == 58) {
            if (protocol != IcmpKind.protocolNumber(source.family())) {
                throw new IllegalArgumentException("protocol " + protocol + " does not fit " + source.family());
            }
            Objects.requireNonNull(icmp, "icmp header of " + checked);
            if ((icmp.kind(source.family()) == IcmpKind.ERROR) != (icmp.original() != null)) {
                throw new IllegalArgumentException("an ICMP error (and only an error) embeds its original packet: " + icmp);
            }
        } else if (icmp != null) {
            throw new IllegalArgumentException("ICMP header on protocol " + protocol);
        }
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("ttl=" + ttl + " must be between 0 and 255");
        }
        int header = source.family() == IpFamily.IPV4 ? 20 : 40;
        int maximum = source.family() == IpFamily.IPV4 ? 65535 : 65535 + header;
        if (length < header || length > maximum) {
            throw new IllegalArgumentException("length=" + length + " must be between " + header + " and " + maximum);
        }
    }

    public static Packet tcp(Origin origin, String source, int sourcePort, String destination, int destinationPort, TcpFlags flags) {
        return ports(origin, source, Protocol.TCP.number(), sourcePort, destination, destinationPort, flags);
    }

    public static Packet udp(Origin origin, String source, int sourcePort, String destination, int destinationPort) {
        return ports(origin, source, Protocol.UDP.number(), sourcePort, destination, destinationPort, null);
    }

    public static Packet sctp(Origin origin, String source, int sourcePort, String destination, int destinationPort) {
        return ports(origin, source, Protocol.SCTP.number(), sourcePort, destination, destinationPort, null);
    }

    /** A packet of a protocol with ports: TCP (with {@code flags}), UDP or SCTP. */
    public static Packet ports(Origin origin, String source, int protocol, int sourcePort, String destination,
                               int destinationPort, TcpFlags flags) {
        return new Packet(origin, IpAddress.parse(source), IpAddress.parse(destination), protocol, sourcePort,
                destinationPort, flags, null, DEFAULT_TTL, DEFAULT_LENGTH);
    }

    /** A packet of a protocol without ports and without tracking specifics (GRE 47, ESP 50, ...). */
    public static Packet other(Origin origin, String source, String destination, int protocol) {
        return new Packet(origin, IpAddress.parse(source), IpAddress.parse(destination), protocol, 0, 0, null, null,
                DEFAULT_TTL, DEFAULT_LENGTH);
    }

    public static Packet icmp(Origin origin, String source, String destination, IcmpMessage message) {
        IpAddress src = IpAddress.parse(source);
        return new Packet(origin, src, IpAddress.parse(destination), IcmpKind.protocolNumber(src.family()), 0, 0, null,
                message, DEFAULT_TTL, DEFAULT_LENGTH);
    }

    public static Packet icmpEchoRequest(Origin origin, String source, String destination, int identifier) {
        return icmp(origin, source, destination, IcmpMessage.echoRequest(IpAddress.parse(source).family(), identifier));
    }

    /**
     * An ICMP error that {@code reporter} sends back to the sender of {@code original} (port unreachable when
     * {@code timeExceeded} is false).
     */
    public static Packet icmpError(Origin origin, String reporter, Packet original, boolean timeExceeded) {
        IpFamily family = original.family();
        IcmpMessage message = timeExceeded
                ? IcmpMessage.timeExceeded(family, original.flowKey())
                : IcmpMessage.portUnreachable(family, original.flowKey());
        return icmp(origin, reporter, original.source().toString(), message);
    }

    public IpFamily family() {
        return source.family();
    }

    /** The ICMP kind, or {@code null} when this is not ICMP. */
    public IcmpKind icmpKind() {
        return icmp == null ? null : icmp.kind(family());
    }

    /** This packet's 5-tuple for flow tracking, ECMP hashing and rule matching (see {@link FlowKey} for ICMP echo). */
    public FlowKey flowKey() {
        if (icmp != null) {
            return switch (icmpKind()) {
                case ECHO_REQUEST -> new FlowKey(source, destination, protocol, icmp.identifier(), 0);
                case ECHO_REPLY -> new FlowKey(source, destination, protocol, 0, icmp.identifier());
                default -> new FlowKey(source, destination, protocol, 0, 0);
            };
        }
        return new FlowKey(source, destination, protocol, sourcePort, destinationPort);
    }

    /** The reply the destination sends back: addresses and ports swapped, ACK for TCP, echo reply for echo request. */
    public Packet reply(Origin replyOrigin) {
        return reply(replyOrigin, tcpFlags == null ? null : TcpFlags.ACK);
    }

    /** The reply with the given TCP flags (ignored unless TCP). */
    public Packet reply(Origin replyOrigin, TcpFlags flags) {
        IcmpMessage replyIcmp = null;
        if (icmp != null) {
            if (icmpKind() != IcmpKind.ECHO_REQUEST) {
                throw new IllegalStateException("only an ICMP echo request has a reply: " + this);
            }
            replyIcmp = IcmpMessage.echoReply(family(), icmp.identifier());
        }
        return new Packet(replyOrigin, destination, source, protocol, destinationPort, sourcePort,
                tcpFlags == null ? null : flags, replyIcmp, DEFAULT_TTL, length);
    }

    public Packet withTtl(int newTtl) {
        return new Packet(origin, source, destination, protocol, sourcePort, destinationPort, tcpFlags, icmp, newTtl, length);
    }

    public Packet withLength(int newLength) {
        return new Packet(origin, source, destination, protocol, sourcePort, destinationPort, tcpFlags, icmp, ttl, newLength);
    }

    public Packet withTcpFlags(TcpFlags flags) {
        return new Packet(origin, source, destination, protocol, sourcePort, destinationPort, flags, icmp, ttl, length);
    }

    public Packet withOrigin(Origin newOrigin) {
        return new Packet(newOrigin, source, destination, protocol, sourcePort, destinationPort, tcpFlags, icmp, ttl, length);
    }

    public Packet withSourcePort(int port) {
        return new Packet(origin, source, destination, protocol, port, destinationPort, tcpFlags, icmp, ttl, length);
    }

    static boolean hasPorts(int protocol) {
        Protocol p = Protocol.ofNumber(protocol);
        return p != null && p.hasPorts();
    }
}
