package dev.uniplane.tck.model;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.uniplane.tck.model.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** SEMANTICS "Stats": endpoint counters from the workload's point of view, drops by reason, per-rule counters. */
class StatsSemanticsTest {
    private final Fixture f = new Fixture();

    private static final RuleRef B_IN_0 = new RuleRef("b-in", Direction.INGRESS, 0);

    private long ruleCount(RuleRef ref, Action action) {
        return f.model.stats().rule(ref, action).packets();
    }

    @Test
    void endpointCountersFromWorkloadPointOfView() {
        Packet syn = syn(FROM_A, A, B, 80).withLength(60);
        f.send(syn);
        f.send(syn.reply(FROM_B, TcpFlags.SYN_ACK).withLength(70));
        f.send(udp(FROM_A, A, INTERNET, 53).withLength(80));
        StatsSnapshot s = f.model.stats();
        assertThat(s.endpoint(EP_A)).isEqualTo(new EndpointStats(EP_A, 1, 70, 2, 140, java.util.Map.of()));
        assertThat(s.endpoint(EP_B)).isEqualTo(new EndpointStats(EP_B, 1, 60, 1, 70, java.util.Map.of()));
        assertThat(s.endpoint(EP_C)).isEqualTo(EndpointStats.zero(EP_C));
        assertThat(s.takenAt()).isEqualTo(f.clock.instant());
    }

    @Test
    void dropsCountedByReasonAtTheEndpointOnWhoseBehalfTheyHappen() {
        f.apply(Policy.builder("a-out").selectLabels("tier", "front").egress(Rule.deny(List.of(Peer.cidr("192.0.2.0/24")), List.of()),
                        Rule.allowAll()).build(),
                Policy.builder("b-in").selectLabels("app", "db").ingress().build());
        f.send(udp(FROM_A, A, INTERNET, 53));               // egress deny at A
        f.send(syn(FROM_A, A, B, 80));                      // ingress default deny at B
        f.send(udp(FROM_A, A, "198.51.100.7", 53).withTtl(1)); // TTL at A
        f.send(syn(UPLINK, INTERNET, B, 80));               // ingress default deny at B, from outside
        f.model.setRoutes(List.of());
        f.send(udp(FROM_A, A, "198.51.100.7", 53));         // no route at A
        f.send(udp(UPLINK, INTERNET, "198.51.100.7", 53));  // no route, no endpoint involved: counted nowhere

        StatsSnapshot s = f.model.stats();
        EndpointStats a = s.endpoint(EP_A);
        assertThat(a.txPackets()).isEqualTo(4);
        assertThat(a.drops(DropReason.POLICY_DENIED)).isEqualTo(1);
        assertThat(a.drops(DropReason.TTL_EXCEEDED)).isEqualTo(1);
        assertThat(a.drops(DropReason.NO_ROUTE)).isEqualTo(1);
        assertThat(a.totalDrops()).isEqualTo(3);
        EndpointStats b = s.endpoint(EP_B);
        assertThat(b.drops(DropReason.POLICY_DEFAULT_DENY)).isEqualTo(2);
        assertThat(b.rxPackets()).isZero();
    }

    @Test
    void ruleCountersCountNewFlowPacketsOnly() {
        f.apply(Policy.builder("b-in").selectLabels("app", "db").ingress(Rule.allowAll()).build());
        Packet syn = syn(FROM_A, A, B, 80);
        f.send(syn);
        f.send(syn.reply(FROM_B, TcpFlags.SYN_ACK));
        f.send(syn.withTcpFlags(TcpFlags.ACK));
        f.send(syn(FROM_C, C, B, 80));
        assertThat(ruleCount(B_IN_0, Action.ALLOW)).isEqualTo(2);
    }

    @Test
    void ruleCountersCountEachCheckARuleDecided() {
        f.apply(Policy.builder("a-out").selectLabels("tier", "front").egress(Rule.allowAll()).build(),
                Policy.builder("b-in").selectLabels("app", "db").ingress(Rule.denyAll()).build());
        Verdict v = f.send(syn(FROM_A, A, B, 80));
        assertThat(v.countedRules()).containsExactly(new RuleRef("a-out", Direction.EGRESS, 0), B_IN_0);
        assertThat(v.decidingRule()).contains(B_IN_0);
        assertThat(ruleCount(new RuleRef("a-out", Direction.EGRESS, 0), Action.ALLOW)).isEqualTo(1);
        assertThat(ruleCount(B_IN_0, Action.DENY)).isEqualTo(1);
    }

    @Test
    void ruleCounterAttributionPicksSmallestMatchingRuleRefDenyFirst() {
        Rule allowWeb = Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(80)));
        Rule denyA = Rule.deny(List.of(Peer.cidr(A + "/32")), List.of());
        f.apply(Policy.builder("zeta").selectLabels("app", "db").ingress(allowWeb, denyA, Rule.denyAll()).build(),
                Policy.builder("alpha").selectLabels("app", "db").ingress(Rule.allowAll(), allowWeb).build());
        Verdict fromA = f.send(syn(FROM_A, A, B, 80));
        assertThat(fromA.decidingRule()).contains(new RuleRef("zeta", Direction.INGRESS, 1));

        f.apply(Policy.builder("zeta").selectLabels("app", "db").ingress(allowWeb).build(),
                Policy.builder("alpha").selectLabels("app", "db").ingress(allowWeb, Rule.allowAll()).build());
        Verdict fromC = f.send(syn(FROM_C, C, B, 80));
        assertThat(fromC.decidingRule()).contains(new RuleRef("alpha", Direction.INGRESS, 0));
        assertThat(ruleCount(new RuleRef("alpha", Direction.INGRESS, 0), Action.ALLOW)).isEqualTo(1);
        assertThat(ruleCount(new RuleRef("alpha", Direction.INGRESS, 1), Action.ALLOW)).isZero();
        assertThat(ruleCount(new RuleRef("zeta", Direction.INGRESS, 0), Action.ALLOW)).isZero();
    }

    @Test
    void ruleCountersRestartForChangedPoliciesOnly() {
        Policy kept = Policy.builder("kept").selectLabels("app", "db").ingress(Rule.allowAll()).build();
        Policy changed = Policy.builder("changed").selectLabels("tier", "front").egress(Rule.allowAll()).build();
        f.apply(kept, changed);
        f.send(syn(FROM_A, A, B, 80));
        f.apply(kept, Policy.builder("changed").selectLabels("tier", "front").egress(Rule.allowAll(), Rule.denyAll()).build());
        assertThat(ruleCount(new RuleRef("kept", Direction.INGRESS, 0), Action.ALLOW)).isEqualTo(1);
        assertThat(ruleCount(new RuleRef("changed", Direction.EGRESS, 0), Action.ALLOW)).isZero();
        f.apply(kept);
        assertThat(f.model.stats().rules()).containsOnlyKeys(new RuleRef("kept", Direction.INGRESS, 0));
    }

    @Test
    void statsListEveryRuleOfTheSetWithItsAction() {
        f.apply(Policy.builder("p").ingress(Rule.allowAll(), Rule.denyAll()).egress().build());
        assertThat(f.model.stats().rules().values()).containsExactly(
                new RuleStats(new RuleRef("p", Direction.INGRESS, 0), Action.ALLOW, 0),
                new RuleStats(new RuleRef("p", Direction.INGRESS, 1), Action.DENY, 0));
    }

    @Test
    void countersAreMonotonicAndDeltasWork() {
        f.apply(Policy.builder("b-in").selectLabels("app", "db").ingress(Rule.allowAll()).build());
        StatsSnapshot before = f.model.stats();
        f.clock.advance(Duration.ofSeconds(1));
        f.send(syn(FROM_A, A, B, 80));
        StatsSnapshot after = f.model.stats();
        StatsSnapshot delta = after.delta(before);
        assertThat(delta.endpoint(EP_A).txPackets()).isEqualTo(1);
        assertThat(delta.endpoint(EP_B).rxPackets()).isEqualTo(1);
        assertThat(delta.rule(B_IN_0, Action.ALLOW).packets()).isEqualTo(1);
        f.model.applyPolicies(new PolicySet(f.model.policies().policies()));
        assertThat(f.model.stats().rule(B_IN_0, Action.ALLOW).packets()).as("re-applying the same set keeps counters").isEqualTo(1);
    }
}
