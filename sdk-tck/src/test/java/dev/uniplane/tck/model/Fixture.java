package dev.uniplane.tck.model;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standard topology ({@link ModelTopology#standard()}) in a model with a manual clock, and packet shorthands.
 * ep-a 10.0.0.1 app=web tier=front env=prod; ep-b 10.0.0.2 app=db tier=back env=prod; ep-c 10.0.0.3 app=web env=dev;
 * remote r-1 10.1.0.1 app=db env=prod; remote r-2 10.1.0.2 app=cache tier=back; externals 10.1.0.9, 192.0.2.1.
 */
final class Fixture {
    static final String A = "10.0.0.1";
    static final String B = "10.0.0.2";
    static final String C = "10.0.0.3";
    static final String R1 = "10.1.0.1";
    static final String R2 = "10.1.0.2";
    static final String UNREGISTERED = "10.1.0.9";
    static final String INTERNET = "192.0.2.1";
    static final Origin FROM_A = Origin.endpoint("ep-a");
    static final Origin FROM_B = Origin.endpoint("ep-b");
    static final Origin FROM_C = Origin.endpoint("ep-c");
    static final Origin UPLINK = Origin.uplink();
    static final EndpointId EP_A = EndpointId.of("ep-a");
    static final EndpointId EP_B = EndpointId.of("ep-b");
    static final EndpointId EP_C = EndpointId.of("ep-c");

    final ManualClock clock = new ManualClock();
    final ReferenceModel model;

    Fixture() {
        this(FlowTimeouts.DEFAULT);
    }

    Fixture(FlowTimeouts timeouts) {
        model = ModelTopology.standard().model(PolicySet.empty(), timeouts, clock);
    }

    Fixture apply(Policy... policies) {
        model.applyPolicies(PolicySet.of(policies));
        return this;
    }

    Verdict send(Packet packet) {
        return model.evaluate(packet);
    }

    static Packet syn(Origin from, String source, String destination, int port) {
        return Packet.tcp(from, source, 40000, destination, port, TcpFlags.SYN);
    }

    static Packet udp(Origin from, String source, String destination, int port) {
        return Packet.udp(from, source, 40000, destination, port);
    }

    static Packet ping(Origin from, String source, String destination) {
        return Packet.icmpEchoRequest(from, source, destination, 7);
    }

    static void assertDelivered(Verdict verdict) {
        assertThat(verdict.dropReason()).as("drop reason of %s", verdict).isEmpty();
    }

    static void assertDropped(Verdict verdict, DropReason reason) {
        assertThat(verdict.dropReason()).as("drop reason of %s", verdict).contains(reason);
    }
}
