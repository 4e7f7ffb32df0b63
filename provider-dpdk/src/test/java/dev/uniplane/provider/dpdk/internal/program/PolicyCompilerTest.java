package dev.uniplane.provider.dpdk.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import dev.uniplane.tck.model.CheckOutcome;
import dev.uniplane.tck.model.ModelArbitraries;
import dev.uniplane.tck.model.ModelTopology;
import dev.uniplane.tck.model.PolicyCheck;
import dev.uniplane.tck.model.ReferenceModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The compiled policy decides (verdict and deciding rule) exactly as the reference model's policy check. */
class PolicyCompilerTest {
    private static final ModelTopology TOPOLOGY = ModelTopology.standard();
    private static final ModelTopology DUAL_STACK = ModelTopology.dualStack();
    private static final int[] PROTOCOLS = {6, 17, 132, 1, 58, 47};

    private static List<PolicyCompiler.LocalEndpoint> locals(ModelTopology topology) {
        List<PolicyCompiler.LocalEndpoint> locals = new ArrayList<>();
        for (int i = 0; i < topology.endpoints().size(); i++) {
            AttachSpec s = topology.endpoints().get(i);
            locals.add(new PolicyCompiler.LocalEndpoint(i, s.labels(), s.addresses()));
        }
        return locals;
    }

    private static CompiledPolicy compile(PolicySet set) {
        return compile(TOPOLOGY, set);
    }

    private static CompiledPolicy compile(ModelTopology topology, PolicySet set) {
        Map<PolicyCompiler.RuleKey, Integer> slots = new HashMap<>();
        return PolicyCompiler.compile(set, locals(topology), topology.remotes(), k -> slots.computeIfAbsent(k, x -> slots.size()));
    }

    @Provide
    Arbitrary<PolicySet> sets() {
        return ModelArbitraries.policySets(TOPOLOGY);
    }

    @Provide
    Arbitrary<PolicySet> dualStackSets() {
        return ModelArbitraries.policySets(DUAL_STACK);
    }

    @Property(tries = 300)
    void evaluationEqualsTheReferenceModel(@ForAll("sets") PolicySet set) {
        equalsTheModel(TOPOLOGY, set, List.of(IpAddress.parse("10.0.0.77"), IpAddress.parse("10.1.0.3")));
    }

    /**
     * IPv6 peers (128-bit ranges, v6 CIDRs and excepts, selectors resolving to v6 addresses) next to IPv4 ones. IPv4-mapped
     * IPv6 peers are left out: the 128-bit evaluation reads them as IPv4, and the router drops IPv6 packets carrying one
     * as INVALID before any policy check (RFC 4291 2.5.5.2).
     */
    @Property(tries = 150)
    void dualStackEvaluationEqualsTheReferenceModel(@ForAll("dualStackSets") PolicySet set) {
        equalsTheModel(DUAL_STACK, set, List.of(IpAddress.parse("10.0.0.77"), IpAddress.parse("fd00::77"),
                IpAddress.parse("fd00:1::3"), IpAddress.parse("2001:db8::1")));
    }

    private static void equalsTheModel(ModelTopology topology, PolicySet set, List<IpAddress> unknownPeers) {
        ReferenceModel model = topology.model(set);
        CompiledPolicy compiled = compile(topology, set);
        List<IpAddress> peers = new ArrayList<>(topology.addresses());
        peers.addAll(unknownPeers);
        List<Integer> ports = new ArrayList<>(ModelArbitraries.PORTS);
        ports.add(1);
        for (int slot = 0; slot < topology.endpoints().size(); slot++) {
            EndpointId id = topology.endpoints().get(slot).id();
            for (Direction d : Direction.values()) {
                for (IpAddress peer : peers) {
                    for (int protocol : PROTOCOLS) {
                        for (int port : protocol == 6 || protocol == 17 || protocol == 132 ? ports : List.of(0)) {
                            PolicyCheck expected = model.check(id, d, peer, protocol, port);
                            int direction = d == Direction.INGRESS ? CompiledPolicy.INGRESS : CompiledPolicy.EGRESS;
                            int v = peer.isV4() ? compiled.evaluate(slot, direction, peer.v4Value(), protocol, port)
                                    : compiled.evaluate(slot, direction, peer.high(), peer.low(), protocol, port);
                            if (peer.isV4()) {
                                assertThat(compiled.evaluate(slot, direction, 0, 0xffff_0000_0000L | peer.low(), protocol, port))
                                        .as("IPv4-mapped form of %s", peer).isEqualTo(v);
                            }
                            String what = id + " " + d + " " + peer + " " + protocol + ":" + port + " under " + set;
                            switch (expected.outcome()) {
                                case DEFAULT_ALLOW -> assertThat(v).as(what).isEqualTo(CompiledPolicy.DEFAULT_ALLOW);
                                case DEFAULT_DENY -> assertThat(v).as(what).isEqualTo(CompiledPolicy.DEFAULT_DENY);
                                case ALLOWED_BY_RULE, DENIED_BY_RULE -> {
                                    assertThat(v).as(what).isGreaterThanOrEqualTo(0);
                                    assertThat(compiled.deny(v)).as(what).isEqualTo(expected.outcome() == CheckOutcome.DENIED_BY_RULE);
                                    var ref = expected.rule().orElseThrow();
                                    assertThat(compiled.describe(v)).as(what).isEqualTo(ref.toString());
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void cidrExceptAndUnknownAddresses() {
        PolicySet set = PolicySet.of(Policy.builder("in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.cidr("10.0.0.0/16", "10.0.0.1/32")), List.of()),
                        Rule.allow(List.of(Peer.labels("app", "cache")), List.of(PortMatch.of(Protocol.ANY, 80, 90))))
                .build());
        CompiledPolicy c = compile(set);
        assertThat(c.evaluate(1, CompiledPolicy.INGRESS, IpAddress.parse("10.0.0.3").v4Value(), 6, 1)).isZero();
        assertThat(c.evaluate(1, CompiledPolicy.INGRESS, IpAddress.parse("10.0.0.1").v4Value(), 6, 1))
                .isEqualTo(CompiledPolicy.DEFAULT_DENY);
        // remote r-2 10.1.0.2 is app=cache: ANY with ports is TCP/UDP/SCTP only
        assertThat(c.evaluate(1, CompiledPolicy.INGRESS, IpAddress.parse("10.1.0.2").v4Value(), 132, 85)).isEqualTo(1);
        assertThat(c.evaluate(1, CompiledPolicy.INGRESS, IpAddress.parse("10.1.0.2").v4Value(), 1, 0))
                .isEqualTo(CompiledPolicy.DEFAULT_DENY);
        // an unregistered address in the remote range matches no selector
        assertThat(c.evaluate(1, CompiledPolicy.INGRESS, IpAddress.parse("10.1.0.9").v4Value(), 6, 85))
                .isEqualTo(CompiledPolicy.DEFAULT_DENY);
        assertThat(c.evaluate(0, CompiledPolicy.INGRESS, IpAddress.parse("10.1.0.9").v4Value(), 6, 85))
                .isEqualTo(CompiledPolicy.DEFAULT_ALLOW);
    }

    @Test
    void limitsAreNamed() {
        List<PortMatch> ports = new ArrayList<>();
        for (int p = 1; p <= 65535; p += 2) {
            ports.add(PortMatch.tcp(p));
        }
        PolicySet huge = PolicySet.of(Policy.builder("huge").ingress(Rule.allow(List.of(), ports)).build());
        assertThatThrownBy(() -> compile(huge)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("MAX_PORT_ENTRIES");
    }

    @Test
    void evaluationDoesNotAllocate() throws Exception {
        PolicySet set = PolicySet.of(Policy.builder("in").ingress(Rule.deny(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(80))),
                Rule.allow(List.of(Peer.cidr("0.0.0.0/0")), List.of())).build());
        CompiledPolicy c = compile(set);
        Object bean = java.lang.management.ManagementFactory.getThreadMXBean();
        java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += c.evaluate(i % 3, CompiledPolicy.INGRESS, 0x0a000001 + (i & 3), 6, 80 + (i & 1));
        }
        long before = (long) allocatedBytes.invoke(bean);
        for (int i = 0; i < 100_000; i++) {
            sink += c.evaluate(i % 3, CompiledPolicy.INGRESS, 0x0a000001 + (i & 3), 6, 80 + (i & 1));
        }
        long allocated = (long) allocatedBytes.invoke(bean) - before;
        assertThat(allocated).as("bytes allocated by 100k evaluations (sink %d)", sink).isLessThan(1024);
    }
}
