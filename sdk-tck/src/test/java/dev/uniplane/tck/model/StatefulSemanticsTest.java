package dev.uniplane.tck.model;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.uniplane.tck.model.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SEMANTICS "Policy / Stateful" and "no grandfathering". Every test isolates ep-a's ingress (and often ep-b's egress) so
 * that a reply passes only because it belongs to a live flow.
 */
class StatefulSemanticsTest {
    private final Fixture f = new Fixture();

    private static final Policy A_INGRESS_CLOSED = Policy.builder("a-in").selectLabels("tier", "front").ingress().build();
    private static final Policy A_EGRESS_CLOSED = Policy.builder("a-out").selectLabels("tier", "front").egress().build();
    private static final Policy B_EGRESS_CLOSED = Policy.builder("b-out").selectLabels("app", "db").egress().build();

    private void handshake(Packet syn) {
        assertThat(f.send(syn).flowMatch()).isEqualTo(FlowMatch.NEW);
        assertThat(f.send(syn.reply(FROM_B, TcpFlags.SYN_ACK)).flowMatch()).isEqualTo(FlowMatch.REPLY);
        assertThat(f.send(syn.withTcpFlags(TcpFlags.ACK)).flowMatch()).isEqualTo(FlowMatch.ORIGINAL);
    }

    @Test
    void tcpReplyOfAllowedFlowPasses() {
        f.apply(A_INGRESS_CLOSED, B_EGRESS_CLOSED);
        Packet syn = syn(FROM_A, A, B, 80);
        assertDelivered(f.send(syn));
        Verdict reply = f.send(syn.reply(FROM_B, TcpFlags.SYN_ACK));
        assertDelivered(reply);
        assertThat(reply.flowMatch()).isEqualTo(FlowMatch.REPLY);
        assertThat(reply.egressCheck()).isEmpty();
        assertThat(reply.ingressCheck()).isEmpty();
        assertThat(reply.deliveredTo()).contains(EP_A);
    }

    @Test
    void furtherPacketsOfAllowedFlowPassWithoutReEvaluation() {
        Packet syn = syn(FROM_A, A, B, 80);
        handshake(syn);
        Verdict data = f.send(syn.withTcpFlags(TcpFlags.ACK));
        assertThat(data.flowMatch()).isEqualTo(FlowMatch.ORIGINAL);
        assertThat(data.countedRules()).isEmpty();
        assertThat(f.model.flows()).singleElement().satisfies(flow -> assertThat(flow.tcpState()).contains(TcpState.ESTABLISHED));
    }

    @Test
    void replyWithoutFlowIsEvaluatedAsNew() {
        f.apply(A_INGRESS_CLOSED);
        Verdict v = f.send(syn(FROM_A, A, B, 80).reply(FROM_B, TcpFlags.SYN_ACK));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.flowMatch()).isEqualTo(FlowMatch.NEW);
    }

    @Test
    void udpReplyOfAllowedFlowPasses() {
        f.apply(A_INGRESS_CLOSED);
        Packet query = udp(FROM_A, A, INTERNET, 53);
        assertDelivered(f.send(query));
        Verdict answer = f.send(query.reply(UPLINK));
        assertDelivered(answer);
        assertThat(answer.flowMatch()).isEqualTo(FlowMatch.REPLY);
    }

    @Test
    void sctpReplyOfAllowedFlowPasses() {
        f.apply(A_INGRESS_CLOSED);
        Packet init = Packet.sctp(FROM_A, A, 40000, B, 7340);
        assertDelivered(f.send(init));
        Verdict initAck = f.send(init.reply(FROM_B));
        assertDelivered(initAck);
        assertThat(initAck.flowMatch()).isEqualTo(FlowMatch.REPLY);
    }

    @Test
    void icmpEchoReplyOfAllowedFlowPasses() {
        f.apply(A_INGRESS_CLOSED, B_EGRESS_CLOSED);
        Packet request = ping(FROM_A, A, B);
        assertDelivered(f.send(request));
        Verdict reply = f.send(request.reply(FROM_B));
        assertDelivered(reply);
        assertThat(reply.flowMatch()).isEqualTo(FlowMatch.REPLY);
        assertDropped(f.send(Packet.icmp(FROM_B, B, A, IcmpMessage.echoReply(dev.uniplane.api.IpFamily.IPV4, 8))),
                DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void icmpEchoRequestInTheOtherDirectionIsNotAReply() {
        f.apply(A_INGRESS_CLOSED);
        assertDelivered(f.send(ping(FROM_A, A, B)));
        Verdict v = f.send(ping(FROM_B, B, A));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.flowMatch()).isEqualTo(FlowMatch.NEW);
    }

    @Test
    void icmpErrorRelatedToAllowedFlowPasses() {
        f.apply(A_INGRESS_CLOSED);
        Packet query = udp(FROM_A, A, INTERNET, 53);
        assertDelivered(f.send(query));
        Verdict unreachable = f.send(Packet.icmpError(UPLINK, INTERNET, query, false));
        assertDelivered(unreachable);
        assertThat(unreachable.flowMatch()).isEqualTo(FlowMatch.RELATED);
        Verdict timeExceeded = f.send(Packet.icmpError(UPLINK, "198.51.100.7", query, true));
        assertDelivered(timeExceeded);
        assertThat(timeExceeded.flowMatch()).isEqualTo(FlowMatch.RELATED);
    }

    @Test
    void icmpErrorAboutAReplyIsRelatedToo() {
        f.apply(B_EGRESS_CLOSED);
        Packet query = udp(FROM_A, A, B, 53);
        assertDelivered(f.send(query));
        // ep-a reports the reply's port unreachable back to ep-b, whose egress is closed.
        Verdict v = f.send(Packet.icmpError(FROM_A, A, query.reply(FROM_B), false));
        assertDelivered(v);
        assertThat(v.flowMatch()).isEqualTo(FlowMatch.RELATED);
    }

    @Test
    void icmpErrorToAThirdPartyIsNotRelated() {
        f.apply(Policy.builder("c-in").selectLabels("env", "dev").ingress().build());
        Packet query = udp(FROM_A, A, INTERNET, 53);
        assertDelivered(f.send(query));
        // Embeds ep-a's flow but is addressed to ep-c: not related (as Linux conntrack), so ep-c's ingress decides.
        IcmpMessage error = IcmpMessage.portUnreachable(dev.uniplane.api.IpFamily.IPV4, query.flowKey());
        Verdict v = f.send(Packet.icmp(UPLINK, INTERNET, C, error));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.flowMatch()).isEqualTo(FlowMatch.NEW);
    }

    @Test
    void unrelatedIcmpErrorIsEvaluatedAsNew() {
        f.apply(A_INGRESS_CLOSED);
        Packet neverSent = udp(FROM_A, A, INTERNET, 53);
        Verdict v = f.send(Packet.icmpError(UPLINK, INTERNET, neverSent, false));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.flowMatch()).isEqualTo(FlowMatch.NEW);
        assertThat(f.model.flows()).as("errors open no flow").isEmpty();
    }

    @Test
    void nonEchoIcmpIsNeverTracked() {
        IcmpMessage timestamp = new IcmpMessage(13, 0, 0, null);
        assertDelivered(f.send(Packet.icmp(FROM_A, A, B, timestamp)));
        assertThat(f.model.flows()).isEmpty();
    }

    @Test
    void tcpEstablishedTimeout6h() {
        f.apply(A_INGRESS_CLOSED);
        Packet syn = syn(FROM_A, A, B, 80);
        handshake(syn);
        f.clock.advance(Duration.ofHours(6).minusMillis(1));
        assertDelivered(f.send(syn.reply(FROM_B)));
        f.clock.advance(Duration.ofHours(6));
        assertDropped(f.send(syn.reply(FROM_B)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void tcpOtherTimeout60s() {
        f.apply(A_INGRESS_CLOSED);
        Packet syn = syn(FROM_A, A, B, 80);
        f.send(syn);
        f.clock.advance(Duration.ofSeconds(60).minusMillis(1));
        assertDelivered(f.send(syn.reply(FROM_B, TcpFlags.SYN_ACK)));
        f.clock.advance(Duration.ofSeconds(60));
        assertThat(f.model.flows()).isEmpty();
        assertDropped(f.send(syn.reply(FROM_B, TcpFlags.SYN_ACK)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void tcpClosingFlowFallsBackToShortTimeout() {
        f.apply(A_INGRESS_CLOSED);
        Packet syn = syn(FROM_A, A, B, 80);
        handshake(syn);
        f.send(syn.withTcpFlags(TcpFlags.FIN_ACK));
        f.clock.advance(Duration.ofSeconds(60));
        assertDropped(f.send(syn.reply(FROM_B)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void resetFlowFallsBackToShortTimeoutAndNewSynStartsAfresh() {
        f.apply(A_INGRESS_CLOSED);
        Packet syn = syn(FROM_A, A, B, 80);
        handshake(syn);
        f.send(syn.reply(FROM_B, TcpFlags.RST));
        assertThat(f.model.flows()).singleElement().satisfies(flow -> assertThat(flow.tcpState()).contains(TcpState.CLOSED));
        Verdict again = f.send(syn);
        assertThat(again.flowMatch()).isEqualTo(FlowMatch.NEW);
        assertThat(f.model.flows()).singleElement().satisfies(flow -> assertThat(flow.tcpState()).contains(TcpState.SYN_SENT));
    }

    @Test
    void udpTimeout60s() {
        f.apply(A_INGRESS_CLOSED);
        Packet query = udp(FROM_A, A, INTERNET, 53);
        f.send(query);
        f.clock.advance(Duration.ofSeconds(59));
        assertDelivered(f.send(query.reply(UPLINK)));
        f.clock.advance(Duration.ofSeconds(59));
        assertDelivered(f.send(query.reply(UPLINK)));
        f.clock.advance(Duration.ofSeconds(60));
        assertDropped(f.send(query.reply(UPLINK)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void icmpTimeout60s() {
        f.apply(A_INGRESS_CLOSED);
        Packet request = ping(FROM_A, A, INTERNET);
        f.send(request);
        f.clock.advance(Duration.ofSeconds(60).minusNanos(1));
        assertDelivered(f.send(request.reply(UPLINK)));
        f.clock.advance(Duration.ofSeconds(60));
        assertDropped(f.send(request.reply(UPLINK)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void timeoutsAreConfigurable() {
        Fixture fast = new Fixture(new FlowTimeouts(Duration.ofMinutes(5), Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofSeconds(1)));
        fast.apply(A_INGRESS_CLOSED);
        Packet query = udp(FROM_A, A, INTERNET, 53);
        fast.send(query);
        fast.clock.advance(Duration.ofSeconds(2));
        assertDropped(fast.send(query.reply(UPLINK)), DropReason.POLICY_DEFAULT_DENY);
        assertThat(fast.model.timeouts().udp()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void flowsDeniedByNewSetStopAfterApply() {
        Packet syn = syn(FROM_A, A, B, 80);
        handshake(syn);
        f.apply(Policy.builder("b-in").selectLabels("app", "db").ingress().build());
        Verdict v = f.send(syn.withTcpFlags(TcpFlags.ACK));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.flowMatch()).isEqualTo(FlowMatch.NEW);
        assertThat(f.model.flows()).isEmpty();
    }

    @Test
    void repliesOfFlowsDeniedByNewSetAreEvaluatedAsNew() {
        Packet syn = syn(FROM_A, A, B, 80);
        handshake(syn);
        f.apply(A_EGRESS_CLOSED, A_INGRESS_CLOSED);
        Verdict reply = f.send(syn.reply(FROM_B));
        assertDropped(reply, DropReason.POLICY_DEFAULT_DENY);
        assertThat(reply.ingressCheck().orElseThrow().endpoint()).isEqualTo(EP_A);
    }

    @Test
    void flowsStillAllowedSurviveApply() {
        f.apply(A_INGRESS_CLOSED);
        Packet syn = syn(FROM_A, A, B, 80);
        handshake(syn);
        f.apply(A_INGRESS_CLOSED, Policy.builder("b-in").selectLabels("app", "db").ingress(
                Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(80)))).build());
        Verdict reply = f.send(syn.reply(FROM_B));
        assertDelivered(reply);
        assertThat(reply.flowMatch()).isEqualTo(FlowMatch.REPLY);
        assertThat(f.model.stats().rule(new dev.uniplane.api.RuleRef("b-in", dev.uniplane.api.Direction.INGRESS, 0),
                dev.uniplane.api.Action.ALLOW).packets()).as("a re-check counts no rule").isZero();
    }

    @Test
    void relatedIcmpOfFlowDeniedByNewSetIsEvaluatedAsNew() {
        f.apply(A_INGRESS_CLOSED);
        Packet query = udp(FROM_A, A, INTERNET, 53);
        f.send(query);
        f.apply(A_INGRESS_CLOSED, A_EGRESS_CLOSED);
        Verdict v = f.send(Packet.icmpError(UPLINK, INTERNET, query, false));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.flowMatch()).isEqualTo(FlowMatch.NEW);
    }

    @Test
    void routeChangesRecheckFlowsAtTheNewReceiver() {
        f.apply(Policy.builder("c-in").selectLabels("env", "dev").ingress().build());
        Packet query = udp(FROM_A, A, "203.0.113.5", 53);
        assertThat(f.send(query).route().orElseThrow()).isInstanceOf(RouteDecision.ViaGateway.class);
        f.model.addRoute(dev.uniplane.api.Route.of("203.0.113.0/24", dev.uniplane.api.NextHop.endpoint("ep-c")));
        Verdict v = f.send(query);
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.ingressCheck().orElseThrow().endpoint()).isEqualTo(EP_C);
    }

    @Test
    void peerIdentityChangesAlsoRecheckFlows() {
        f.apply(Policy.builder("b-in").selectLabels("app", "db").ingress(Rule.allow(List.of(Peer.labels("app", "db")), List.of())).build());
        Packet fromRemote = syn(UPLINK, R1, B, 5432);
        assertDelivered(f.send(fromRemote));
        f.model.registerRemote(RemoteEndpoint.of("r-1", R1, "app", "other"));
        assertDropped(f.send(fromRemote.withTcpFlags(TcpFlags.ACK)), DropReason.POLICY_DEFAULT_DENY);
    }
}
