package dev.uniplane.tck;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Protocol;
import dev.uniplane.tck.harness.Host;
import dev.uniplane.tck.harness.Workload;
import dev.uniplane.tck.model.Origin;
import dev.uniplane.tck.model.Packet;
import dev.uniplane.tck.model.ReferenceModel;
import dev.uniplane.tck.model.TcpFlags;
import dev.uniplane.tck.model.Verdict;

/** Asks the reference model what must happen to the first packet of a flow, given the dataplane's current state. */
public final class Oracle {
    private Oracle() {
    }

    /** The model's verdict for a new flow from {@code from} to {@code destination} (protocol number, destination port). */
    public static Verdict newFlow(Dataplane dataplane, Host from, IpAddress source, IpAddress destination, Protocol protocol, int port) {
        ReferenceModel model = ReferenceModel.of(dataplane.currentState());
        Origin origin = from instanceof Workload w ? new Origin.FromEndpoint(EndpointId.of(w.name())) : new Origin.FromUplink();
        Packet packet = switch (protocol) {
            case TCP -> Packet.tcp(origin, source.toString(), 40000, destination.toString(), port, TcpFlags.SYN);
            case UDP -> Packet.udp(origin, source.toString(), 40000, destination.toString(), port);
            case SCTP -> Packet.sctp(origin, source.toString(), 40000, destination.toString(), port);
            case ICMP, ICMPV6 -> Packet.icmpEchoRequest(origin, source.toString(), destination.toString(), 1);
            default -> throw new IllegalArgumentException("the kit probes TCP, UDP, SCTP and ICMP, not " + protocol);
        };
        return model.evaluate(packet);
    }

    /** Same, for a workload's IPv4 address as the source. */
    public static Verdict newFlow(Dataplane dataplane, Workload from, IpAddress destination, Protocol protocol, int port) {
        return newFlow(dataplane, from, from.address(destination.family()), destination, protocol, port);
    }
}
