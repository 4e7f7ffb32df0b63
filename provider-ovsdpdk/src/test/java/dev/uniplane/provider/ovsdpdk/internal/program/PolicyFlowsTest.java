package dev.uniplane.provider.ovsdpdk.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.LearnSpec;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Nxm;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy compiler without a switch: priorities, cookies, conjunctions and the flow cap (port prefixes and CIDR minus
 * except are the SPI resolver's, tested in sdk-api's PortPrefixesTest and PrefixesTest).
 */
class PolicyFlowsTest {
    @Test
    void denyRulesSitAboveAllowRulesAndIsolatedEndpointsGetADefaultDeny() {
        var member = new PolicyFlows.Member(3, 3, Labels.of("app", "db"), List.of(IpAddress.parse("10.1.0.3")));
        var client = new PolicyFlows.Identity(Labels.of("app", "client"), List.of(IpAddress.parse("10.1.0.4")));
        PolicySet set = PolicySet.of(Policy.builder("a").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(), List.of(PortMatch.tcp(80))), Rule.deny(List.of(Peer.labels("app", "client")), List.of()))
                .build());
        PolicyFlows.Compiled c = PolicyFlows.compile(set, List.of(member), List.of(client), 9);
        assertThat(c.rules()).containsEntry(1, new RuleRef("a", Direction.INGRESS, 0)).containsEntry(2, new RuleRef("a", Direction.INGRESS, 1));
        List<FlowMod> adds = c.flows().stream().map(l -> l.message()).filter(m -> m instanceof FlowMod f && f.command().name().equals("ADD"))
                .map(FlowMod.class::cast).toList();
        FlowMod deny = adds.stream().filter(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.POLICY_DENY, 2L << 12 | 3)).findFirst().orElseThrow();
        FlowMod allow = adds.stream().filter(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.POLICY_ALLOW, 1L << 12 | 3)).findFirst().orElseThrow();
        assertThat(deny.priority()).isGreaterThan(allow.priority());
        assertThat(deny.tableId()).isEqualTo(FlowTables.INGRESS);
        assertThat(adds.stream().filter(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.POLICY_DEFAULT, 3))).hasSize(1);
        // no egress policy selects the member: no egress flows
        assertThat(adds.stream().filter(f -> f.tableId() == FlowTables.EGRESS && f.cookie() != FlowTables.cookie(FlowTables.Kind.POLICY_DEFAULT, 0)))
                .isEmpty();
    }

    private static List<FlowMod> adds(PolicyFlows.Compiled c) {
        return c.flows().stream().map(l -> l.message()).filter(m -> m instanceof FlowMod f && f.command().name().equals("ADD"))
                .map(FlowMod.class::cast).toList();
    }

    private static List<Action.Conjunction> conjunctions(FlowMod f) {
        return f.instructions().stream().filter(i -> i instanceof Instruction.ApplyActions).flatMap(i -> ((Instruction.ApplyActions) i).actions().stream())
                .filter(a -> a instanceof Action.Conjunction).map(Action.Conjunction.class::cast).toList();
    }

    private static List<Peer> cidrs(int n) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.add(Peer.cidr("10." + (i >> 8) + "." + (i & 0xff) + ".0/24"));
        }
        return peers;
    }

    private static List<PortMatch> tcpPorts(int n) {
        List<PortMatch> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ports.add(PortMatch.tcp(8000 + 2 * i));
        }
        return ports;
    }

    @Test
    void aRuleWithManyPeersAndPortsCostsTheSumNotTheProduct() {
        var member = new PolicyFlows.Member(3, 3, Labels.of("app", "db"), List.of(IpAddress.parse("10.200.0.3")));
        PolicySet set = PolicySet.of(Policy.builder("wide").selectLabels("app", "db")
                .ingress(Rule.allow(cidrs(1000), tcpPorts(50))).build());

        List<FlowMod> adds = adds(PolicyFlows.compile(set, List.of(member), List.of(), 9));

        // 7 + 4 x 1 SCTP flows (sctpFlows), 1 endpoint + 1000 peers + 50 ports dimension flows, 1 conj_id flow, 1 default deny
        assertThat(adds).hasSize(sctpFlows(1) + 1 + 1000 + 50 + 1 + 1);
        List<FlowMod> dimensions = adds.stream().filter(f -> !conjunctions(f).isEmpty()).toList();
        assertThat(dimensions).hasSize(1051).allSatisfy(f -> {
            assertThat(f.priority()).isEqualTo(PolicyFlows.ALLOW_TOP);
            assertThat(conjunctions(f)).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo(1);
                assertThat(c.nClauses()).isEqualTo(3);
            });
            assertThat(f.cookie()).isEqualTo(FlowTables.cookie(FlowTables.Kind.POLICY_ALLOW, 1L << 12));
        });
        assertThat(dimensions.stream().filter(f -> conjunctions(f).getFirst().clause() == 1))
                .singleElement().satisfies(f -> assertThat(f.match().fields()).containsExactly(FlowTables.targetRegister(3)));
        assertThat(dimensions.stream().filter(f -> conjunctions(f).getFirst().clause() == 3)).hasSize(50)
                .allSatisfy(f -> assertThat(f.match().fields()).startsWith(new Oxm.EthType(0x0800), new Oxm.IpProto(6)));
        FlowMod act = adds.stream().filter(f -> f.match().fields().contains(Nxm.conjId(1))).findFirst().orElseThrow();
        assertThat(act.cookie()).isEqualTo(FlowTables.cookie(FlowTables.Kind.POLICY_ALLOW, 1L << 12 | 3));
        assertThat(act.priority()).isEqualTo(PolicyFlows.ALLOW_TOP);
        assertThat(act.match().fields()).contains(FlowTables.targetRegister(3), new Oxm.EthType(0x0800));
    }

    @Test
    void endpointsAreAConjunctionDimensionAndEveryRuleKeepsOnePriorityEverywhere() {
        List<PolicyFlows.Member> members = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            members.add(new PolicyFlows.Member(i, i, Labels.of("app", "db"), List.of(IpAddress.parse("10.200.1." + i))));
        }
        var other = new PolicyFlows.Member(60, 60, Labels.of("app", "web"), List.of(IpAddress.parse("10.200.2.1")));
        members.add(other);
        PolicySet set = PolicySet.of(
                Policy.builder("a-web").selectLabels("app", "web").egress(Rule.deny(cidrs(2), List.of())).build(),
                Policy.builder("b-db").selectLabels("app", "db")
                        .egress(Rule.deny(cidrs(3), List.of()), Rule.allow(cidrs(100), tcpPorts(10)))
                        .ingress(Rule.allow(List.of(), List.of(PortMatch.tcp(80), PortMatch.tcp(443)))).build());

        PolicyFlows.Compiled compiled = PolicyFlows.compile(set, members, List.of(), 9);
        List<FlowMod> adds = adds(compiled);
        java.util.function.ToIntFunction<RuleRef> number = ref -> compiled.rules().entrySet().stream()
                .filter(e -> e.getValue().equals(ref)).findFirst().orElseThrow().getKey();
        int webDenyNo = number.applyAsInt(new RuleRef("a-web", Direction.EGRESS, 0));
        int dbDenyNo = number.applyAsInt(new RuleRef("b-db", Direction.EGRESS, 0));
        int dbAllowNo = number.applyAsInt(new RuleRef("b-db", Direction.EGRESS, 1));
        int dbIngressNo = number.applyAsInt(new RuleRef("b-db", Direction.INGRESS, 0));

        // 7 + 4 x 51 SCTP flows; a-web egress 0: one endpoint x 2 peers, plain
        // b-db egress 0: 50 endpoints x 3 peers -> conjunction: 50 + 3 dimension flows + 50 conj_id
        // b-db egress 1: 50 + 100 + 10 dimension flows + 50 conj_id
        // b-db ingress 0: 50 endpoints x any peer x 2 ports -> conjunction: 50 + 4 (ports per family) + 100 conj_id
        // default deny: 51 egress, 50 ingress
        assertThat(adds).hasSize(sctpFlows(51) + 2 + (53 + 50) + (160 + 50) + (54 + 100) + 101);
        FlowMod webDeny = adds.stream().filter(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.POLICY_DENY, (long) webDenyNo << 12 | 60)).findFirst().orElseThrow();
        assertThat(webDeny.priority()).isEqualTo(PolicyFlows.DENY_TOP);
        assertThat(adds.stream().filter(f -> (f.cookie() >>> 12 & 0xfffff) == dbDenyNo).mapToInt(FlowMod::priority).distinct())
                .containsExactly(PolicyFlows.DENY_TOP - 1);
        assertThat(adds.stream().filter(f -> (f.cookie() >>> 12 & 0xfffff) == dbAllowNo).mapToInt(FlowMod::priority).distinct())
                .containsExactly(dbAllowNo < dbIngressNo ? PolicyFlows.ALLOW_TOP : PolicyFlows.ALLOW_TOP - 1);
        // ct(commit) needs an IP match: one ingress conj_id flow per endpoint and family
        assertThat(adds.stream().filter(f -> f.match().fields().contains(Nxm.conjId(dbIngressNo)))).hasSize(100)
                .allSatisfy(f -> assertThat(f.match().fields()).anyMatch(o -> o instanceof Oxm.EthType));
    }

    @Test
    void aSetPastTheCapIsRefusedNamingThePolicy() {
        var member = new PolicyFlows.Member(3, 3, Labels.of("app", "db"), List.of(IpAddress.parse("10.200.0.3")));
        List<PortMatch> ports = new ArrayList<>();
        for (int p = 1; p <= 65535; p += 2) {
            ports.add(PortMatch.tcp(p));
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rules.add(Rule.allow(List.of(Peer.cidr("10.9." + i + ".0/24")), ports));
        }
        PolicySet huge = PolicySet.of(Policy.builder("small").selectLabels("app", "db").ingress(Rule.allow(List.of(), List.of())).build(),
                Policy.builder("huge").ingress(rules.toArray(Rule[]::new)).build());

        assertThatThrownBy(() -> PolicyFlows.compile(huge, List.of(member), List.of(), 9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy huge").hasMessageContaining("200000 flows");
    }

    /**
     * The SCTP flows of a set with {@code members} endpoints: the egress skip, two misses, per family the table-1
     * lookup and the learn flow, per family and endpoint the known and new deliveries.
     */
    private static int sctpFlows(int members) {
        return 1 + 2 + 2 * (2 + 2 * members);
    }

    @Test
    void sctpFlowsAreLearnedPerFiveTupleAndDirectionAndKnownOnesSkipTheChecks() {
        var member = new PolicyFlows.Member(3, 3, Labels.of("app", "db"), List.of(IpAddress.parse("10.1.0.3")));
        PolicySet set = PolicySet.of(Policy.builder("a").selectLabels("app", "db").ingress(Rule.allow(List.of(), List.of(PortMatch.tcp(80)))).build());
        List<FlowMod> adds = adds(PolicyFlows.compile(set, List.of(member), List.of(), 9));
        assertThat(adds).filteredOn(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.POLICY_DEFAULT, 0)).hasSize(sctpFlows(1));
        Oxm sctp = new Oxm.IpProto(132);
        Oxm known = Nxm.reg(FlowTables.KNOWN_SCTP_REG, 1);

        // table 1: every SCTP packet looks its flow up (above the +est shortcut), then goes on to egress
        assertThat(adds).filteredOn(f -> f.tableId() == FlowTables.CONNTRACK).hasSize(2).allSatisfy(f -> {
            assertThat(f.priority()).isGreaterThan(100);
            assertThat(f.match().fields()).contains(sctp);
            assertThat(f.instructions()).containsExactly(Instruction.ApplyActions.of(new Action.Resubmit(FlowTables.SCTP_SEEN)),
                    new Instruction.GotoTable(FlowTables.EGRESS));
        });
        FlowMod skipEgress = adds.stream().filter(f -> f.tableId() == FlowTables.EGRESS).findFirst().orElseThrow();
        assertThat(skipEgress.match().fields()).containsExactly(known);
        assertThat(skipEgress.priority()).isGreaterThan(PolicyFlows.DENY_TOP);
        // table 6: known flows are delivered (above the +est shortcut at 200), new ones take the ingress check
        assertThat(adds).filteredOn(f -> f.tableId() == FlowTables.DELIVER && f.match().fields().contains(known)).hasSize(2)
                .allSatisfy(f -> assertThat(f.priority()).isGreaterThan(200));
        assertThat(adds).filteredOn(f -> f.tableId() == FlowTables.DELIVER && !f.match().fields().contains(known)).hasSize(2)
                .allSatisfy(f -> assertThat(f.instructions()).containsExactly(new Instruction.GotoTable(FlowTables.INGRESS)));
        // table 9: both directions learned, the reverse with addresses and ports swapped
        FlowMod learnV4 = adds.stream().filter(f -> f.tableId() == FlowTables.SCTP_LEARN && f.match().fields().contains(new Oxm.EthType(0x0800)))
                .findFirst().orElseThrow();
        assertThat(learnV4.instructions()).containsExactly(Instruction.ApplyActions.of(PolicyFlows.learn(0x0800, false), PolicyFlows.learn(0x0800, true)));
        Action.Learn reverse = PolicyFlows.learn(0x0800, true);
        assertThat(reverse.tableId()).isEqualTo(FlowTables.SCTP_SEEN);
        assertThat(reverse.idleTimeout()).isEqualTo(60);
        assertThat(reverse.cookie()).isEqualTo(FlowTables.kindOf(FlowTables.Kind.SCTP_FLOW));
        assertThat(reverse.specs()).contains(new LearnSpec.MatchField(Nxm.IPV4_DST_HEADER, Nxm.IPV4_SRC_HEADER, 32),
                new LearnSpec.MatchField(Nxm.SCTP_SRC_HEADER, Nxm.SCTP_DST_HEADER, 16));
        // an allow at ingress learns (after the commit, before the output)
        FlowMod allow = adds.stream().filter(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.POLICY_ALLOW, 1L << 12 | 3)).findFirst().orElseThrow();
        assertThat(allow.instructions()).containsExactly(Instruction.ApplyActions.of(Action.Conntrack.commit(9),
                new Action.Resubmit(FlowTables.SCTP_LEARN), Action.Output.to(3)));
        assertThat(((FlowMod) PolicyFlows.forgetSctpFlows().message()).cookie()).isEqualTo(FlowTables.kindOf(FlowTables.Kind.SCTP_FLOW));
    }
}
