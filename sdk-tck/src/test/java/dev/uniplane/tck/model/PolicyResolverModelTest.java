package dev.uniplane.tck.model;

import dev.uniplane.api.Action;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.spi.policy.EndpointRules;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedRule;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPI's {@link PolicyResolver} decides as the reference model: for random policy sets (policies in random order),
 * random labels on the dual-stack topology's local and remote endpoints, a random subset of the remotes registered,
 * and every (endpoint, direction, peer address, protocol, port) probe over the topology's addresses plus unknown ones,
 * the decision derived from the resolution (the matching rules of the endpoint's list; deny overrides allow; the
 * deciding rule is the smallest RuleRef of the winning action; else default deny if isolated, default allow if not)
 * equals the model's outcome and deciding rule.
 */
class PolicyResolverModelTest {
    private static final ModelTopology BASE = ModelTopology.dualStack();
    private static final int[] PROTOCOLS = {6, 17, 132, 1, 58, 47};
    private static final List<IpAddress> UNKNOWN = List.of(IpAddress.parse("10.0.0.77"), IpAddress.parse("fd00::77"),
            IpAddress.parse("10.1.0.3"), IpAddress.parse("2001:db8::9"));

    /** A topology and a policy set over its addresses. */
    record Scenario(ModelTopology topology, PolicySet set) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<List<Labels>> localLabels = labels().list().ofSize(BASE.endpoints().size());
        Arbitrary<List<Labels>> remoteLabels = labels().list().ofSize(BASE.remotes().size());
        Arbitrary<List<Boolean>> registered = Arbitraries.of(true, true, false).list().ofSize(BASE.remotes().size());
        Arbitrary<PolicySet> sets = ModelArbitraries.policySets(BASE).flatMap(s -> ModelArbitraries.reorderings(s, true));
        return Combinators.combine(localLabels, remoteLabels, registered, sets).as((locals, remotes, keep, set) -> {
            List<AttachSpec> endpoints = new ArrayList<>();
            for (int i = 0; i < BASE.endpoints().size(); i++) {
                AttachSpec e = BASE.endpoints().get(i);
                AttachSpec.Builder b = AttachSpec.builder(e.id().value()).netns("/run/netns/" + e.id()).labels(locals.get(i));
                e.addresses().forEach(a -> b.address(a.toString()));
                endpoints.add(b.build());
            }
            List<RemoteEndpoint> registeredRemotes = new ArrayList<>();
            for (int i = 0; i < BASE.remotes().size(); i++) {
                if (keep.get(i)) {
                    RemoteEndpoint r = BASE.remotes().get(i);
                    registeredRemotes.add(new RemoteEndpoint(r.id(), r.addresses(), remotes.get(i)));
                }
            }
            return new Scenario(new ModelTopology(endpoints, registeredRemotes, BASE.externals(), BASE.routes()), set);
        });
    }

    /** Labels over the kit's label domain: each key absent or one of its values. */
    private static Arbitrary<Labels> labels() {
        List<Arbitrary<String>> values = new ArrayList<>();
        List<String> keys = List.copyOf(ModelArbitraries.LABELS.keySet());
        for (String key : keys) {
            values.add(Arbitraries.of(ModelArbitraries.LABELS.get(key)).injectNull(0.3));
        }
        return Combinators.combine(values).as(chosen -> {
            Map<String, String> m = new java.util.TreeMap<>();
            for (int i = 0; i < keys.size(); i++) {
                if (chosen.get(i) != null) {
                    m.put(keys.get(i), chosen.get(i));
                }
            }
            return Labels.of(m);
        });
    }

    @Property(tries = 250)
    void resolvedDecisionEqualsTheModel(@ForAll("scenarios") Scenario s) {
        ModelTopology topology = s.topology();
        ReferenceModel model = topology.model(s.set());
        List<PolicyEndpoint> locals = new ArrayList<>();
        for (int i = 0; i < topology.endpoints().size(); i++) {
            AttachSpec e = topology.endpoints().get(i);
            locals.add(new PolicyEndpoint(i, e.labels(), e.addresses()));
        }
        ResolvedPolicy resolved = PolicyResolver.resolve(s.set(), locals, topology.remotes());
        assertThat(resolved.rules()).extracting(ResolvedRule::ref).isSorted();

        List<IpAddress> peers = new ArrayList<>(BASE.addresses());
        peers.addAll(UNKNOWN);
        List<Integer> ports = new ArrayList<>(ModelArbitraries.PORTS);
        ports.add(1);
        for (int i = 0; i < locals.size(); i++) {
            AttachSpec endpoint = topology.endpoints().get(i);
            for (Direction d : Direction.values()) {
                EndpointRules at = resolved.at(i, d);
                for (IpAddress peer : peers) {
                    for (int protocol : PROTOCOLS) {
                        for (int port : protocol == 6 || protocol == 17 || protocol == 132 ? ports : List.of(0)) {
                            PolicyCheck expected = model.check(endpoint.id(), d, peer, protocol, port);
                            List<ResolvedRule> matching = at.rules().stream().filter(r -> r.matches(peer, protocol, port)).toList();
                            Optional<ResolvedRule> deciding = ResolvedRule.deciding(matching);
                            String what = endpoint.id() + " " + endpoint.labels() + " " + d + " " + peer + " " + protocol + ":" + port
                                    + " under " + s.set() + " with remotes " + topology.remotes();
                            assertThat(at.deciding(peer, protocol, port)).as(what).isEqualTo(deciding);
                            CheckOutcome outcome = deciding.map(r -> r.action() == Action.DENY ? CheckOutcome.DENIED_BY_RULE
                                    : CheckOutcome.ALLOWED_BY_RULE).orElse(at.isolated() ? CheckOutcome.DEFAULT_DENY : CheckOutcome.DEFAULT_ALLOW);
                            assertThat(outcome).as(what).isEqualTo(expected.outcome());
                            assertThat(deciding.map(ResolvedRule::ref)).as(what).isEqualTo(expected.rule());
                        }
                    }
                }
            }
        }
    }
}
