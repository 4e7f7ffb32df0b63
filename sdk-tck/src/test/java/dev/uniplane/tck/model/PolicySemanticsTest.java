package dev.uniplane.tck.model;

import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.LabelRequirement;
import dev.uniplane.api.LabelSelector;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.PortRange;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.uniplane.tck.model.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SEMANTICS "Policy": verdict composition, isolation, selectors, peers, ports and the precise points. */
class PolicySemanticsTest {
    private final Fixture f = new Fixture();

    private static Rule allow(Peer peer, PortMatch... ports) {
        return Rule.allow(List.of(peer), List.of(ports));
    }

    private static Rule deny(Peer peer, PortMatch... ports) {
        return Rule.deny(List.of(peer), List.of(ports));
    }

    private static Policy ingressOfB(String name, Rule... rules) {
        return Policy.builder(name).selectLabels("app", "db").ingress(rules).build();
    }

    @Test
    void applyReplacesTheWholeSet() {
        f.apply(ingressOfB("lock-b"));
        assertDropped(f.send(syn(FROM_A, A, B, 80)), DropReason.POLICY_DEFAULT_DENY);
        f.apply(Policy.builder("other").selectLabels("app", "cache").ingress().build());
        assertDelivered(f.send(syn(FROM_A, A, B, 80)));
    }

    @Test
    void verdictNeedsEgressAtSourceAndIngressAtDestination() {
        f.apply(Policy.builder("a-out").selectLabels("tier", "front").egress().build());
        Verdict egressDrop = f.send(syn(FROM_A, A, B, 80));
        assertDropped(egressDrop, DropReason.POLICY_DEFAULT_DENY);
        assertThat(egressDrop.egressCheck().orElseThrow().outcome()).isEqualTo(CheckOutcome.DEFAULT_DENY);
        assertThat(egressDrop.ingressCheck()).isEmpty();
        assertThat(egressDrop.route()).as("egress drops before routing").isEmpty();

        f.apply(ingressOfB("b-in"));
        Verdict ingressDrop = f.send(syn(FROM_A, A, B, 80));
        assertDropped(ingressDrop, DropReason.POLICY_DEFAULT_DENY);
        assertThat(ingressDrop.egressCheck().orElseThrow().outcome()).isEqualTo(CheckOutcome.DEFAULT_ALLOW);
        assertThat(ingressDrop.ingressCheck().orElseThrow())
                .isEqualTo(new PolicyCheck(EP_B, Direction.INGRESS, CheckOutcome.DEFAULT_DENY, java.util.Optional.empty()));
    }

    @Test
    void unknownSourceIsCheckedOnlyAtIngress() {
        f.apply(Policy.builder("all-out").egress().build());
        Verdict v = f.send(syn(UPLINK, INTERNET, B, 80));
        assertDelivered(v);
        assertThat(v.egressCheck()).isEmpty();
        assertThat(v.ingressCheck().orElseThrow().outcome()).isEqualTo(CheckOutcome.DEFAULT_ALLOW);
    }

    @Test
    void unknownDestinationIsCheckedOnlyAtEgress() {
        f.apply(Policy.builder("all-in").ingress().build());
        Verdict v = f.send(syn(FROM_A, A, INTERNET, 443));
        assertDelivered(v);
        assertThat(v.ingressCheck()).isEmpty();
        assertThat(v.route().orElseThrow()).isInstanceOf(RouteDecision.ViaGateway.class);
    }

    @Test
    void denyWinsRegardlessOfOrder() {
        Rule allowAll = Rule.allowAll();
        Rule denyA = deny(Peer.cidr(A + "/32"));
        for (Policy[] order : List.of(
                new Policy[]{ingressOfB("p1", allowAll), ingressOfB("p2", denyA)},
                new Policy[]{ingressOfB("p2", denyA), ingressOfB("p1", allowAll)},
                new Policy[]{ingressOfB("p1", allowAll, denyA)},
                new Policy[]{ingressOfB("p1", denyA, allowAll)})) {
            f.apply(order);
            assertDropped(f.send(syn(FROM_A, A, B, 80)), DropReason.POLICY_DENIED);
            assertDelivered(f.send(syn(FROM_C, C, B, 80)));
        }
    }

    @Test
    void matchingAllowAllows() {
        f.apply(ingressOfB("b-in", allow(Peer.labels("app", "web"), PortMatch.tcp(80))));
        Verdict v = f.send(syn(FROM_A, A, B, 80));
        assertDelivered(v);
        assertThat(v.ingressCheck().orElseThrow().outcome()).isEqualTo(CheckOutcome.ALLOWED_BY_RULE);
        assertThat(v.decidingRule()).contains(new RuleRef("b-in", Direction.INGRESS, 0));
    }

    @Test
    void isolatedWithoutMatchingAllowIsDefaultDeny() {
        f.apply(ingressOfB("b-in", allow(Peer.labels("tier", "front"))));
        assertDelivered(f.send(syn(FROM_A, A, B, 80)));
        Verdict v = f.send(syn(FROM_C, C, B, 80));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.decidingRule()).isEmpty();
    }

    @Test
    void notIsolatedDefaultAllows() {
        Verdict v = f.send(syn(FROM_A, A, B, 80));
        assertDelivered(v);
        assertThat(v.egressCheck().orElseThrow().outcome()).isEqualTo(CheckOutcome.DEFAULT_ALLOW);
        assertThat(v.ingressCheck().orElseThrow().outcome()).isEqualTo(CheckOutcome.DEFAULT_ALLOW);
        assertThat(v.decidingRule()).isEmpty();
    }

    @Test
    void emptyRuleListDeniesAll() {
        f.apply(ingressOfB("b-in"));
        assertDropped(f.send(syn(FROM_A, A, B, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(udp(UPLINK, R1, B, 53)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(ping(FROM_C, C, B)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void policyWithoutListForDirectionDoesNotIsolateIt() {
        f.apply(Policy.builder("b-out").selectLabels("app", "db").egress().build());
        Verdict v = f.send(syn(FROM_A, A, B, 80));
        assertDelivered(v);
        assertThat(v.ingressCheck().orElseThrow().outcome()).isEqualTo(CheckOutcome.DEFAULT_ALLOW);
    }

    @Test
    void denyOnlyListStillIsolates() {
        f.apply(ingressOfB("b-in", deny(Peer.cidr(INTERNET + "/32"))));
        assertDropped(f.send(syn(FROM_A, A, B, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(syn(UPLINK, INTERNET, B, 80)), DropReason.POLICY_DENIED);
    }

    @Test
    void policySelectsByMatchLabelsAndExpressions() {
        f.apply(Policy.builder("web-prod").selector(LabelSelector.of(java.util.Map.of("app", "web"),
                LabelRequirement.in("env", "prod"))).ingress().build());
        assertDropped(f.send(syn(FROM_B, B, A, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDelivered(f.send(syn(FROM_B, B, C, 80)));
    }

    @Test
    void notInMatchesAbsentKey() {
        f.apply(Policy.builder("not-front").selector(LabelSelector.of(LabelRequirement.notIn("tier", "front"))).ingress().build());
        assertDelivered(f.send(syn(UPLINK, INTERNET, A, 80)));
        assertDropped(f.send(syn(UPLINK, INTERNET, B, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(syn(UPLINK, INTERNET, C, 80)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void existsAndDoesNotExistSelect() {
        f.apply(Policy.builder("tierless").selector(LabelSelector.of(LabelRequirement.doesNotExist("tier"))).ingress().build());
        assertDropped(f.send(syn(UPLINK, INTERNET, C, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDelivered(f.send(syn(UPLINK, INTERNET, A, 80)));
        f.apply(Policy.builder("tiered").selector(LabelSelector.of(LabelRequirement.exists("tier"))).ingress().build());
        assertDelivered(f.send(syn(UPLINK, INTERNET, C, 80)));
        assertDropped(f.send(syn(UPLINK, INTERNET, A, 80)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void emptyPeersMatchAnyPeer() {
        f.apply(ingressOfB("b-in", Rule.allow(List.of(), List.of(PortMatch.tcp(80)))));
        assertDelivered(f.send(syn(UPLINK, INTERNET, B, 80)));
        assertDelivered(f.send(syn(UPLINK, UNREGISTERED, B, 80)));
        assertDropped(f.send(syn(UPLINK, INTERNET, B, 81)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void emptyPortsMatchAnyProtocolAndPort() {
        f.apply(ingressOfB("b-in", Rule.allow(List.of(Peer.cidr("0.0.0.0/0")), List.of())));
        assertDelivered(f.send(udp(UPLINK, INTERNET, B, 9999)));
        assertDelivered(f.send(ping(UPLINK, INTERNET, B)));
        assertDelivered(f.send(Packet.other(UPLINK, INTERNET, B, 47)));
    }

    @Test
    void peerSelectorMatchesLocalEndpoints() {
        f.apply(ingressOfB("b-in", allow(Peer.labels("env", "dev"))));
        assertDelivered(f.send(syn(FROM_C, C, B, 80)));
        assertDropped(f.send(syn(FROM_A, A, B, 80)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void remoteEndpointMatchedAsPeerNeverSelected() {
        // app=db selects ep-b (local) but never r-1 (remote, also app=db).
        f.apply(ingressOfB("db-in", allow(Peer.labels("app", "db"))),
                Policy.builder("db-out").selectLabels("app", "db").egress().build());
        Verdict toRemote = f.send(syn(FROM_A, A, R1, 5432));
        assertDelivered(toRemote);
        assertThat(toRemote.ingressCheck()).as("a remote endpoint is never checked").isEmpty();
        assertDelivered(f.send(syn(UPLINK, R1, B, 5432)));
        assertDropped(f.send(syn(UPLINK, R2, B, 5432)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void unregisteredRemoteNoLongerMatches() {
        f.apply(ingressOfB("db-in", allow(Peer.labels("app", "db"))));
        f.model.unregisterRemote("r-1");
        assertDropped(f.send(syn(UPLINK, R1, B, 5432)), DropReason.POLICY_DEFAULT_DENY);
        f.model.registerRemote(RemoteEndpoint.of("r-1", R1, "app", "db"));
        assertDelivered(f.send(syn(UPLINK, R1, B, 5432).withSourcePort(40001)));
    }

    @Test
    void emptyPeerSelectorNeverMatchesUnregisteredAddress() {
        f.apply(ingressOfB("b-in", allow(Peer.selector(LabelSelector.all()))));
        assertDropped(f.send(syn(UPLINK, UNREGISTERED, B, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(syn(UPLINK, INTERNET, B, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDelivered(f.send(syn(UPLINK, R2, B, 80)));
        assertDelivered(f.send(syn(FROM_A, A, B, 80)));
    }

    @Test
    void cidrPeerMatchesAddressesInside() {
        f.apply(ingressOfB("b-in", allow(Peer.cidr("192.0.2.0/24"))));
        assertDelivered(f.send(syn(UPLINK, INTERNET, B, 80)));
        assertDropped(f.send(syn(UPLINK, "198.51.100.7", B, 80)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void exceptCarvesOut() {
        f.apply(ingressOfB("b-in", allow(Peer.cidr("10.1.0.0/16", "10.1.0.0/24"))));
        assertDropped(f.send(syn(UPLINK, UNREGISTERED, B, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(syn(UPLINK, R1, B, 80)), DropReason.POLICY_DEFAULT_DENY);
        assertDelivered(f.send(syn(UPLINK, "10.1.5.5", B, 80)));
    }

    @Test
    void portRangeMatchesDestinationPortOnly() {
        f.apply(ingressOfB("b-in", Rule.allow(List.of(), List.of(new PortMatch(Protocol.TCP, PortRange.of(80, 443))))));
        assertDelivered(f.send(syn(FROM_A, A, B, 443)));
        assertDropped(f.send(syn(FROM_A, A, B, 8080)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(Packet.tcp(FROM_A, A, 80, B, 8080, TcpFlags.SYN)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(udp(FROM_A, A, B, 443)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void egressRulesMatchTheRemoteDestinationPort() {
        f.apply(Policy.builder("a-out").selectLabels("tier", "front").egress(
                Rule.allow(List.of(Peer.cidr("0.0.0.0/0")), List.of(PortMatch.tcp(443)))).build());
        assertDelivered(f.send(syn(FROM_A, A, INTERNET, 443)));
        assertDropped(f.send(syn(FROM_A, A, INTERNET, 80)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void anyProtocolWithPortsMeansTcpUdpSctp() {
        f.apply(ingressOfB("b-in", Rule.allow(List.of(), List.of(PortMatch.of(Protocol.ANY, 53, 53)))));
        assertDelivered(f.send(syn(FROM_A, A, B, 53)));
        assertDelivered(f.send(udp(FROM_A, A, B, 53)));
        assertDelivered(f.send(Packet.sctp(FROM_A, A, 40000, B, 53)));
        assertDropped(f.send(ping(FROM_A, A, B)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(Packet.other(FROM_A, A, B, 47)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(udp(FROM_A, A, B, 54)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void sctpRuleMatchesSctpOnItsPortsOnly() {
        f.apply(ingressOfB("b-in", Rule.allow(List.of(), List.of(PortMatch.of(Protocol.SCTP, 7340, 7340))),
                Rule.deny(List.of(), List.of(PortMatch.of(Protocol.SCTP, 7341, 7341)))));
        assertDelivered(f.send(Packet.sctp(FROM_A, A, 40000, B, 7340)));
        assertDropped(f.send(Packet.sctp(FROM_A, A, 40001, B, 7341)), DropReason.POLICY_DENIED);
        assertDropped(f.send(Packet.sctp(FROM_A, A, 40002, B, 7342)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(syn(FROM_A, A, B, 7340)), DropReason.POLICY_DEFAULT_DENY);
        assertDropped(f.send(udp(FROM_A, A, B, 7340)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void anyProtocolWithoutPortsMeansEveryProtocol() {
        f.apply(ingressOfB("b-in", Rule.allow(List.of(), List.of(PortMatch.any(Protocol.ANY)))));
        assertDelivered(f.send(ping(FROM_A, A, B)));
        assertDelivered(f.send(Packet.other(FROM_A, A, B, 47)));
        assertDelivered(f.send(udp(FROM_A, A, B, 1)));
    }

    @Test
    void icmpRuleMatchesIcmpOfItsFamilyOnly() {
        f.apply(ingressOfB("b-in", Rule.allow(List.of(), List.of(PortMatch.any(Protocol.ICMP)))));
        assertDelivered(f.send(ping(FROM_A, A, B)));
        assertDropped(f.send(udp(FROM_A, A, B, 53)), DropReason.POLICY_DEFAULT_DENY);
    }

    @Test
    void icmpRuleWithPortsIsInvalid() {
        assertThatThrownBy(() -> new PortMatch(Protocol.ICMP, PortRange.single(8))).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> new PortMatch(Protocol.ICMPV6, PortRange.single(8))).isInstanceOf(InvalidSpecException.class);
    }
}
