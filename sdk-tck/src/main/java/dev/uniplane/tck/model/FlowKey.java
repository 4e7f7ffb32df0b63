package dev.uniplane.tck.model;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Protocol;

import java.util.Objects;

/**
 * The 5-tuple of a flow in one direction. For ICMP echo the identifier stands in for the ports: a request is keyed
 * {@code (id, 0)} and a reply {@code (0, id)}, so a reply's key reversed is its request's key (and a request in the
 * other direction is not mistaken for a reply).
 */
public record FlowKey(IpAddress source, IpAddress destination, int protocol, int sourcePort, int destinationPort) {

    /** Validates family consistency and ranges. */
    public FlowKey {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (source.family() != destination.family()) {
            throw new IllegalArgumentException("source " + source + " and destination " + destination + " differ in family");
        }
        if (protocol < 0 || protocol > 255 || sourcePort < 0 || sourcePort > 65535 || destinationPort < 0 || destinationPort > 65535) {
            throw new IllegalArgumentException("protocol or port out of range: " + protocol + " " + sourcePort + " " + destinationPort);
        }
    }

    /** The key of the other direction. */
    public FlowKey reversed() {
        return new FlowKey(destination, source, protocol, destinationPort, sourcePort);
    }

    /** The destination port a policy rule compares: the port for TCP/UDP/SCTP, 0 for portless protocols. */
    public int policyPort() {
        Protocol p = Protocol.ofNumber(protocol);
        return p != null && p.hasPorts() ? destinationPort : 0;
    }

    @Override
    public String toString() {
        return protocol + ":" + source + ":" + sourcePort + "->" + destination + ":" + destinationPort;
    }
}
