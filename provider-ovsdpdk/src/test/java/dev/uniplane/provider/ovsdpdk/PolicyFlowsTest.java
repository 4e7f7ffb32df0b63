package dev.uniplane.provider.ovsdpdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.PortRange;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy compiler without a switch: port prefixes, CIDR minus except, priorities and cookies. */
class PolicyFlowsTest {
    @Test
    void portRangesBecomeExactlyCoveringMaskedPrefixes() {
        List<int[]> p = PolicyFlows.portPrefixes(PortRange.of(7260, 7269));
        assertThat(p).hasSize(3);
        assertThat(p.get(0)).containsExactly(7260, 0xfffc);
        assertThat(p.get(1)).containsExactly(7264, 0xfffc);
        assertThat(p.get(2)).containsExactly(7268, 0xfffe);
        for (int[] range : List.of(new int[] {1, 65535}, new int[] {1000, 1000}, new int[] {3, 4097}, new int[] {65534, 65535})) {
            List<int[]> prefixes = PolicyFlows.portPrefixes(PortRange.of(range[0], range[1]));
            for (int port = 1; port <= 65535; port++) {
                int q = port;
                long hits = prefixes.stream().filter(x -> (q & x[1]) == x[0]).count();
                assertThat(hits).as("port %d in %d-%d", port, range[0], range[1]).isEqualTo(port >= range[0] && port <= range[1] ? 1 : 0);
            }
        }
    }

    @Test
    void cidrMinusExceptIsDisjointAndExact() {
        List<IpPrefix> parts = PolicyFlows.subtract(IpPrefix.parse("10.100.0.0/16"), List.of(IpPrefix.parse("10.100.0.2/32"),
                IpPrefix.parse("10.100.128.0/17")));
        assertThat(parts).hasSize(15);
        for (String a : List.of("10.100.0.1", "10.100.0.3", "10.100.127.255")) {
            assertThat(parts.stream().filter(p -> p.contains(IpAddress.parse(a))).count()).as(a).isEqualTo(1);
        }
        for (String a : List.of("10.100.0.2", "10.100.128.1", "10.101.0.1")) {
            assertThat(parts.stream().anyMatch(p -> p.contains(IpAddress.parse(a)))).as(a).isFalse();
        }
        assertThat(PolicyFlows.subtract(IpPrefix.parse("fd00::/64"), List.of(IpPrefix.parse("fd00::1/128")))).hasSize(64);
    }

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
        assertThat(adds.stream().filter(f -> f.tableId() == FlowTables.EGRESS)).isEmpty();
    }
}
