package dev.uniplane.provider.ebpf.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.uniplane.api.Direction;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;

class PolicyCompilerTest {
    private static final PolicyCompiler.LocalEndpoint A = local(1, "10.0.0.1", 300, "app", "a");
    private static final PolicyCompiler.LocalEndpoint B = local(2, "10.0.0.2", 302, "app", "b");

    static PolicyCompiler.LocalEndpoint local(int index, String address, int identity, String... labels) {
        return new PolicyCompiler.LocalEndpoint(index, Labels.of(labels),
                List.of(new PolicyCompiler.AddressIdentity(IpAddress.parse(address), identity)));
    }

    private static CompiledPolicy compile(PolicySet set) {
        return new PolicyCompiler().compile(set, List.of(A, B), List.of());
    }

    @Test
    void unselectedEndpointsGetNoEntriesAndIsolationIsACatchAll() {
        CompiledPolicy c = compile(PolicySet.of(Policy.builder("p").selectLabels("app", "b").ingress().build()));
        assertThat(c.entries()).containsOnlyKeys(PolicyKey.isolation(2, PolicyKey.INGRESS));
        assertThat(c.entries().get(PolicyKey.isolation(2, PolicyKey.INGRESS))).isEqualTo(new PolicyValue(Verdict.DEFAULT_DENY, 0));
    }

    @Test
    void denyOverridesAllowAndTheLowestRuleIdDecides() {
        PolicySet set = PolicySet.of(
                Policy.builder("allow").selectLabels("app", "b").ingress(Rule.allowAll(), Rule.allow(List.of(Peer.labels("app", "a")), List.of())).build(),
                Policy.builder("deny").selectLabels("app", "b").ingress(Rule.deny(List.of(Peer.labels("app", "a")), List.of(PortMatch.tcp(22)))).build());
        CompiledPolicy c = compile(set);
        Map<IpAddress, Integer> ids = Map.of(IpAddress.parse("10.0.0.1"), 300, IpAddress.parse("10.0.0.2"), 302);
        IpAddress a = IpAddress.parse("10.0.0.1");
        assertThat(PolicyOracle.simulated(c, ids, 2, Direction.INGRESS, a, 6, 22)).isEqualTo(new PolicyOracle.Outcome(Verdict.DENY, 3));
        assertThat(PolicyOracle.simulated(c, ids, 2, Direction.INGRESS, a, 6, 80)).isEqualTo(new PolicyOracle.Outcome(Verdict.ALLOW, 1));
        assertThat(c.rules()).hasSize(3);
        assertThat(c.ruleId(new dev.uniplane.api.RuleRef("deny", Direction.INGRESS, 0))).isEqualTo(3);
    }

    @Test
    void cidrAndExceptBecomeIpcachePrefixes() {
        CompiledPolicy c = compile(PolicySet.of(Policy.builder("p").selectLabels("app", "b")
                .ingress(Rule.allow(List.of(Peer.cidr("192.0.2.0/24", "192.0.2.128/25")), List.of())).build()));
        assertThat(c.ipcache()).hasSize(2);
        Map<IpAddress, Integer> ids = Map.of();
        assertThat(PolicyOracle.simulated(c, ids, 2, Direction.INGRESS, IpAddress.parse("192.0.2.1"), 6, 1).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(PolicyOracle.simulated(c, ids, 2, Direction.INGRESS, IpAddress.parse("192.0.2.129"), 6, 1).verdict()).isEqualTo(Verdict.DEFAULT_DENY);
        assertThat(PolicyOracle.simulated(c, ids, 2, Direction.INGRESS, IpAddress.parse("8.8.8.8"), 6, 1).verdict()).isEqualTo(Verdict.DEFAULT_DENY);
    }

    @Test
    void aPolicySetThatOverflowsThePolicyMapIsRejectedWithTheLimitNamed() {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rules.add(Rule.allow(List.of(), List.of(PortMatch.tcp(1000 + 2 * i))));
        }
        PolicySet set = PolicySet.of(new Policy("big", dev.uniplane.api.LabelSelector.all(), rules, null));
        PolicyCompiler small = new PolicyCompiler(new PolicyCompiler.Limits(40, 100, 100));
        assertThatThrownBy(() -> small.compile(set, List.of(A, B), List.of()))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("up_policy_slot0/1 max_entries=40");
        assertThat(new PolicyCompiler(new PolicyCompiler.Limits(1000, 100, 100)).compile(set, List.of(A, B), List.of()).entries())
                .hasSizeGreaterThan(40);
    }

    @Test
    void tooManyCidrsOrRulesAreRejectedWithTheLimitNamed() {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            peers.add(Peer.cidr("10." + i + ".0.0/16"));
        }
        PolicySet cidrs = PolicySet.of(Policy.builder("p").ingress(Rule.allow(peers, List.of())).build());
        assertThatThrownBy(() -> new PolicyCompiler(new PolicyCompiler.Limits(1000, 4, 100)).compile(cidrs, List.of(A), List.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("up_ipcache_v4_slot0/1 max_entries=4");
        PolicySet rules = PolicySet.of(Policy.builder("p").ingress(Rule.allowAll(), Rule.allowAll(), Rule.allowAll()).build());
        assertThatThrownBy(() -> new PolicyCompiler(new PolicyCompiler.Limits(1000, 4, 2)).compile(rules, List.of(A), List.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("up_rule_stats");
    }

    @Test
    void anyProtocolWithPortsMeansTcpUdpSctpOnly() {
        CompiledPolicy c = compile(PolicySet.of(Policy.builder("p").selectLabels("app", "b")
                .ingress(Rule.allow(List.of(), List.of(PortMatch.of(Protocol.ANY, 53, 53)))).build()));
        Map<IpAddress, Integer> ids = new HashMap<>();
        IpAddress peer = IpAddress.parse("198.51.100.1");
        for (int proto : new int[] {6, 17, 132}) {
            assertThat(PolicyOracle.simulated(c, ids, 2, Direction.INGRESS, peer, proto, 53).verdict()).isEqualTo(Verdict.ALLOW);
            assertThat(PolicyOracle.simulated(c, ids, 2, Direction.INGRESS, peer, proto, 54).verdict()).isEqualTo(Verdict.DEFAULT_DENY);
        }
        assertThat(PolicyOracle.simulated(c, ids, 2, Direction.INGRESS, peer, 1, 0).verdict()).isEqualTo(Verdict.DEFAULT_DENY);
        assertThat(PolicyOracle.direct(PolicySet.of(Policy.builder("p").selectLabels("app", "b")
                        .ingress(Rule.allow(List.of(), List.of(PortMatch.of(Protocol.ANY, 53, 53)))).build()),
                Labels.of("app", "b"), Direction.INGRESS, peer, Optional.empty(), 47, 0).verdict()).isEqualTo(Verdict.DEFAULT_DENY);
    }
}
