package dev.uniplane.tck.model;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Route;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.uniplane.tck.model.Fixture.assertDelivered;
import static dev.uniplane.tck.model.Fixture.assertDropped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model's own value types (packets, flow keys), and an IPv6 walk-through. */
class ModelTypesTest {
    private static final Origin UPLINK = Origin.uplink();

    @Test
    void flowKeyReversedSwapsAddressesAndPorts() {
        FlowKey key = Packet.udp(UPLINK, "10.0.0.1", 1000, "10.0.0.2", 53).flowKey();
        assertThat(key.reversed()).isEqualTo(Packet.udp(UPLINK, "10.0.0.2", 53, "10.0.0.1", 1000).flowKey());
        assertThat(key.reversed().reversed()).isEqualTo(key);
    }

    @Test
    void echoReplyKeyReversedIsRequestKey() {
        Packet request = Packet.icmpEchoRequest(UPLINK, "10.0.0.1", "10.0.0.2", 99);
        assertThat(request.reply(UPLINK).flowKey().reversed()).isEqualTo(request.flowKey());
        Packet opposite = Packet.icmpEchoRequest(UPLINK, "10.0.0.2", "10.0.0.1", 99);
        assertThat(opposite.flowKey().reversed()).isNotEqualTo(request.flowKey());
    }

    @Test
    void policyPortIsZeroForPortlessProtocols() {
        assertThat(Packet.icmpEchoRequest(UPLINK, "10.0.0.1", "10.0.0.2", 99).flowKey().policyPort()).isZero();
        assertThat(Packet.udp(UPLINK, "10.0.0.1", 1, "10.0.0.2", 53).flowKey().policyPort()).isEqualTo(53);
    }

    @Test
    void packetRejectsInconsistentHeaders() {
        IpAddress v4 = IpAddress.parse("10.0.0.1");
        IpAddress v6 = IpAddress.parse("fd00::1");
        assertThatThrownBy(() -> new Packet(UPLINK, v4, v6, 17, 1, 2, null, null, 64, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Packet(UPLINK, v4, v4, 47, 1, 2, null, null, 64, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Packet(UPLINK, v4, v4, 6, 1, 2, null, null, 64, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Packet(UPLINK, v4, v4, 58, 0, 0, null, IcmpMessage.echoRequest(dev.uniplane.api.IpFamily.IPV6, 1), 64, 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Packet(UPLINK, v4, v4, 1, 0, 0, null, new IcmpMessage(3, 3, 0, null), 64, 100))
                .as("an error must embed its original").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Packet(UPLINK, v4, v4, 17, 1, 2, null, null, 256, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void icmpKindsPerFamily() {
        assertThat(IcmpKind.of(dev.uniplane.api.IpFamily.IPV4, 8)).isEqualTo(IcmpKind.ECHO_REQUEST);
        assertThat(IcmpKind.of(dev.uniplane.api.IpFamily.IPV4, 11)).isEqualTo(IcmpKind.ERROR);
        assertThat(IcmpKind.of(dev.uniplane.api.IpFamily.IPV6, 129)).isEqualTo(IcmpKind.ECHO_REPLY);
        assertThat(IcmpKind.of(dev.uniplane.api.IpFamily.IPV6, 135)).isEqualTo(IcmpKind.OTHER);
        assertThat(IcmpKind.of(dev.uniplane.api.IpFamily.IPV6, 1)).isEqualTo(IcmpKind.ERROR);
    }

    @Test
    void ipv6HostRoutesPoliciesEchoAndHopLimit() {
        ReferenceModel model = new ReferenceModel(FlowTimeouts.DEFAULT, new ManualClock());
        model.attach(ModelTopology.endpoint("v6-a", "fd00::1", "app", "web"));
        model.attach(ModelTopology.endpoint("v6-b", "fd00::2", "app", "db"));
        model.addRoute(Route.of("::/0", NextHop.gateway("fd00::ffff")));
        model.applyPolicies(PolicySet.of(Policy.builder("a-in").selectLabels("app", "web").ingress().build()));
        Origin fromA = Origin.endpoint("v6-a");
        Origin fromB = Origin.endpoint("v6-b");

        Packet ping = Packet.icmpEchoRequest(fromA, "fd00::1", "fd00::2", 5);
        assertThat(ping.protocol()).isEqualTo(58);
        assertDelivered(model.evaluate(ping));
        assertThat(model.evaluate(ping.reply(fromB)).flowMatch()).isEqualTo(FlowMatch.REPLY);
        assertDropped(model.evaluate(Packet.icmpEchoRequest(fromB, "fd00::2", "fd00::1", 5)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(model.evaluate(Packet.udp(fromA, "fd00::1", 1, "2001:db8::1", 53).withTtl(1)), DropReason.TTL_EXCEEDED);
        assertThat(model.evaluate(Packet.udp(fromA, "fd00::1", 1, "2001:db8::1", 53)).route().orElseThrow())
                .isEqualTo(new RouteDecision.ViaGateway(IpAddress.parse("fd00::ffff"), dev.uniplane.api.IpPrefix.parse("::/0"),
                        List.of(NextHop.gateway("fd00::ffff"))));
    }

    @Test
    void ecmpHashIsDeterministic() {
        FlowKey key = Packet.udp(UPLINK, "10.0.0.1", 1000, "10.0.0.2", 53).flowKey();
        assertThat(EcmpHash.hash(key)).isEqualTo(EcmpHash.hash(Packet.udp(UPLINK, "10.0.0.1", 1000, "10.0.0.2", 53).flowKey()));
        assertThat(EcmpHash.hash(key)).isNotEqualTo(EcmpHash.hash(key.reversed()));
    }
}
