package dev.uniplane.tck.model;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.LabelSelector;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the semantics over random policy sets and flows on the standard topology. */
class ModelPropertiesTest {
    private static final ModelTopology TOPOLOGY = ModelTopology.standard();
    private static final ModelTopology DUAL_STACK = ModelTopology.dualStack();

    @Provide
    Arbitrary<PolicySet> sets() {
        return ModelArbitraries.policySets(TOPOLOGY);
    }

    @Provide
    Arbitrary<Packet> flows() {
        return ModelArbitraries.newFlows(TOPOLOGY);
    }

    @Provide
    Arbitrary<List<Packet>> flowLists() {
        return ModelArbitraries.newFlows(TOPOLOGY).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<PolicySet> dualStackSets() {
        return ModelArbitraries.policySets(DUAL_STACK);
    }

    @Provide
    Arbitrary<Packet> dualStackFlows() {
        return ModelArbitraries.newFlows(DUAL_STACK);
    }

    @Provide
    Arbitrary<Peer.Cidr> cidrs() {
        return ModelArbitraries.cidrPeers(TOPOLOGY.addresses());
    }

    @Provide
    Arbitrary<IpAddress> outsideSources() {
        List<IpAddress> sources = new ArrayList<>(TOPOLOGY.remoteAddresses());
        sources.addAll(TOPOLOGY.externals());
        return Arbitraries.of(sources);
    }

    private static List<Verdict> run(ReferenceModel model, List<Packet> packets) {
        return packets.stream().map(model::evaluate).toList();
    }

    private static boolean isLocal(IpAddress address) {
        return TOPOLOGY.localAddresses().contains(address);
    }

    /**
     * A DENY rule matching exactly the flow's peer and port, inserted together with an ALLOW-all rule at random
     * positions into every rule list of a random set (plus a policy of its own that selects everything), decides
     * whatever the order of rules and policies.
     */
    @Property(tries = 150)
    void denyWinsRegardlessOfOrder(@ForAll("sets") PolicySet set, @ForAll("flows") Packet packet, @ForAll Random random) {
        Rule egressDeny = exactDeny(packet.destination(), packet);
        Rule ingressDeny = exactDeny(packet.source(), packet);
        List<Policy> policies = new ArrayList<>();
        for (Policy p : set.policies()) {
            policies.add(new Policy(p.name(), p.selector(), withDenyAndAllow(p.ingress(), ingressDeny, random),
                    withDenyAndAllow(p.egress(), egressDeny, random)));
        }
        policies.add(Policy.builder("deny-flow").ingress(ingressDeny).egress(egressDeny).build());
        PolicySet shuffled = ModelArbitraries.reorder(new PolicySet(policies), random, false);

        Verdict verdict = TOPOLOGY.model(shuffled).evaluate(packet);

        boolean checked = packet.origin().endpoint().isPresent() || isLocal(packet.destination());
        if (checked) {
            assertThat(verdict.dropReason()).contains(DropReason.POLICY_DENIED);
            assertThat(verdict.decidingRule()).isPresent();
        } else {
            assertThat(verdict.delivered()).isTrue();
        }
    }

    private static Rule exactDeny(IpAddress peer, Packet packet) {
        Protocol protocol = Protocol.ofNumber(packet.protocol());
        PortMatch port = protocol.hasPorts() ? PortMatch.of(protocol, packet.destinationPort(), packet.destinationPort())
                : PortMatch.any(protocol);
        return Rule.deny(List.of(new Peer.Cidr(IpPrefix.host(peer), List.of())), List.of(port));
    }

    private static List<Rule> withDenyAndAllow(List<Rule> rules, Rule deny, Random random) {
        if (rules == null) {
            return null;
        }
        List<Rule> copy = new ArrayList<>(rules);
        copy.add(random.nextInt(copy.size() + 1), Rule.allowAll());
        copy.add(random.nextInt(copy.size() + 1), deny);
        return copy;
    }

    @Property(tries = 150)
    void outcomeIndependentOfRuleAndPolicyOrder(@ForAll("sets") PolicySet set, @ForAll("flowLists") List<Packet> packets,
                                                @ForAll Random random) {
        PolicySet shuffled = ModelArbitraries.reorder(set, random, true);
        List<Verdict> original = run(TOPOLOGY.model(set), packets);
        List<Verdict> reordered = run(TOPOLOGY.model(shuffled), packets);
        original.forEach(v -> Statistics.label("outcome").collect(v.dropReason().map(Enum::name).orElse("DELIVERED")));
        Statistics.label("outcome").coverage(c -> {
            c.check("DELIVERED").percentage(p -> p > 10);
            c.check("POLICY_DENIED").percentage(p -> p > 1);
            c.check("POLICY_DEFAULT_DENY").percentage(p -> p > 3);
        });
        assertThat(reordered).extracting(Verdict::dropReason).isEqualTo(original.stream().map(Verdict::dropReason).toList());
    }

    @Property(tries = 150)
    void verdictIndependentOfPolicyOrder(@ForAll("sets") PolicySet set, @ForAll("flowLists") List<Packet> packets,
                                         @ForAll Random random) {
        ReferenceModel ordered = TOPOLOGY.model(set);
        ReferenceModel shuffled = TOPOLOGY.model(ModelArbitraries.reorder(set, random, false));
        assertThat(run(shuffled, packets)).isEqualTo(run(ordered, packets));
        assertThat(shuffled.stats()).isEqualTo(ordered.stats());
    }

    @Property(tries = 200)
    void exceptCarvesOut(@ForAll("cidrs") Peer.Cidr cidr, @ForAll("outsideSources") IpAddress source) {
        Policy onlyCidr = Policy.builder("b-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(cidr), List.of())).build();
        Packet packet = new Packet(Origin.uplink(), source, IpAddress.parse("10.0.0.2"), 17, 40000, 53, null, null,
                Packet.DEFAULT_TTL, Packet.DEFAULT_LENGTH);

        Verdict verdict = TOPOLOGY.model(PolicySet.of(onlyCidr)).evaluate(packet);

        boolean inside = cidr.cidr().contains(source) && cidr.except().stream().noneMatch(e -> e.contains(source));
        boolean carved = cidr.cidr().contains(source) && !inside;
        Statistics.label("source").collect(inside ? "inside" : carved ? "carved out" : "outside");
        Statistics.label("source").coverage(c -> {
            c.check("inside").percentage(p -> p > 10);
            c.check("carved out").percentage(p -> p > 2);
            c.check("outside").percentage(p -> p > 10);
        });
        assertThat(verdict.delivered()).isEqualTo(inside);
        if (!inside) {
            assertThat(verdict.dropReason()).contains(DropReason.POLICY_DEFAULT_DENY);
        }
    }

    @Property(tries = 200)
    void isolationOnlyByARuleList(@ForAll("sets") PolicySet set, @ForAll("flows") Packet packet) {
        Verdict verdict = TOPOLOGY.model(set).evaluate(packet);
        for (PolicyCheck check : List.of(verdict.egressCheck(), verdict.ingressCheck()).stream().flatMap(java.util.Optional::stream).toList()) {
            boolean isolated = set.policies().stream().anyMatch(p -> p.isolates(check.direction())
                    && p.selector().matches(labelsOf(check)));
            if (check.outcome() == CheckOutcome.DEFAULT_DENY) {
                assertThat(isolated).as("default deny needs a selecting policy with a %s list", check.direction()).isTrue();
            }
            if (check.outcome() == CheckOutcome.DEFAULT_ALLOW) {
                assertThat(isolated).as("default allow needs no isolating policy").isFalse();
            }
        }
    }

    @Property(tries = 200)
    void repliesOfAllowedFlowsPass(@ForAll("sets") PolicySet set, @ForAll("flows") Packet packet) {
        ReferenceModel model = TOPOLOGY.model(set);
        Verdict verdict = model.evaluate(packet);
        Statistics.label("first packet").collect(verdict.delivered() ? "delivered" : "dropped");
        Statistics.label("first packet").coverage(c -> c.check("delivered").percentage(p -> p > 20));
        if (!verdict.delivered()) {
            return;
        }
        Origin replyOrigin = verdict.deliveredTo().<Origin>map(Origin.FromEndpoint::new).orElse(Origin.uplink());
        Verdict reply = model.evaluate(packet.reply(replyOrigin, TcpFlags.SYN_ACK));
        assertThat(reply.delivered()).as("reply of %s: %s", packet, reply).isTrue();
        assertThat(reply.flowMatch()).isEqualTo(FlowMatch.REPLY);
    }

    @Property(tries = 150)
    void applyingTheSameSetTwiceIsIdempotent(@ForAll("sets") PolicySet set, @ForAll("flowLists") List<Packet> packets) {
        ReferenceModel once = TOPOLOGY.model(set);
        ReferenceModel twice = TOPOLOGY.model(set);
        twice.applyPolicies(new PolicySet(set.policies()));
        int half = packets.size() / 2;
        List<Verdict> expected = run(once, packets);
        List<Verdict> actual = new ArrayList<>(run(twice, packets.subList(0, half)));
        twice.applyPolicies(new PolicySet(set.policies()));
        actual.addAll(run(twice, packets.subList(half, packets.size())));
        assertThat(actual).isEqualTo(expected);
        assertThat(twice.stats()).isEqualTo(once.stats());
    }

    @Property(tries = 100)
    void emptySelectorPeerMatchesExactlyTheKnownEndpoints(@ForAll("flows") Packet packet) {
        Policy allowKnown = Policy.builder("known").ingress(Rule.allow(List.of(Peer.selector(LabelSelector.all())), List.of())).build();
        Verdict verdict = TOPOLOGY.model(PolicySet.of(allowKnown)).evaluate(packet);
        if (verdict.ingressCheck().isEmpty()) {
            return;
        }
        boolean known = isLocal(packet.source()) || TOPOLOGY.remoteAddresses().contains(packet.source());
        assertThat(verdict.ingressCheck().get().allows()).isEqualTo(known);
    }

    @Property(tries = 100)
    void dualStackVerdictsIgnorePolicyOrderAndRepliesPass(@ForAll("dualStackSets") PolicySet set,
                                                          @ForAll("dualStackFlows") Packet packet, @ForAll Random random) {
        ReferenceModel model = DUAL_STACK.model(set);
        Verdict verdict = model.evaluate(packet);
        assertThat(DUAL_STACK.model(ModelArbitraries.reorder(set, random, false)).evaluate(packet)).isEqualTo(verdict);
        Statistics.label("family").collect(packet.family(), verdict.delivered() ? "delivered" : "dropped");
        if (verdict.delivered()) {
            Origin replyOrigin = verdict.deliveredTo().<Origin>map(Origin.FromEndpoint::new).orElse(Origin.uplink());
            Verdict reply = model.evaluate(packet.reply(replyOrigin, TcpFlags.SYN_ACK));
            assertThat(reply.flowMatch()).isEqualTo(FlowMatch.REPLY);
            assertThat(reply.delivered()).isTrue();
        }
    }

    private static dev.uniplane.api.Labels labelsOf(PolicyCheck check) {
        return TOPOLOGY.endpoints().stream().filter(e -> e.id().equals(check.endpoint())).map(AttachSpec::labels)
                .findFirst().orElseThrow();
    }
}
