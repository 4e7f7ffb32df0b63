package dev.uniplane.provider.ebpf.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.LabelRequirement;
import dev.uniplane.api.LabelSelector;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.PortRange;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;

/**
 * For random policy sets and random (endpoint, direction, peer address, protocol, port) points, the compiled LPM
 * (identity by exact endpoint address, else longest ipcache prefix, then one longest-prefix policy lookup, as the
 * program does) decides exactly what a direct deny-overrides evaluation of the semantics decides, rule id included.
 */
class PolicyCompilerPropertyTest {

    private static final List<String> CIDRS = List.of("10.0.0.0/8 10.0.0.0/30", "10.0.0.0/30", "10.0.0.0/24 10.0.0.2/32",
            "10.1.0.0/16", "0.0.0.0/0 10.0.0.0/8", "10.0.0.0/29 10.0.0.4/30 10.0.0.1/32", "fd00::/64", "fd00::/126 fd00::2/128",
            "::/0", "fd00::/16 fd00:1::/32");
    private static final List<String> PEERS = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6",
            "10.1.0.1", "10.1.2.3", "10.200.0.1", "192.168.0.1", "fd00::1", "fd00::2", "fd00::3", "fd00::7", "fd00:1::1",
            "fd00:2::9", "2001:db8::1");
    private static final int[] PROTOCOLS = {6, 17, 132, 1, 58, 47};

    /** The endpoints: three local (index 1..3), two remote, each with an IPv4 and an IPv6 address. */
    record Scenario(PolicySet set, List<Labels> locals, List<Labels> remotes, List<Point> points) {
    }

    record Point(int endpoint, Direction direction, IpAddress peer, int protocol, int port) {
    }

    @Property(tries = 300)
    void compiledLookupEqualsDirectEvaluation(@ForAll("scenarios") Scenario s) {
        List<PolicyCompiler.LocalEndpoint> locals = new ArrayList<>();
        List<PolicyCompiler.RemoteEndpoint> remotes = new ArrayList<>();
        Map<IpAddress, Integer> identities = new HashMap<>();
        Map<IpAddress, Labels> labelsAt = new HashMap<>();
        int nextId = Identities.FIRST_ENDPOINT;
        for (int i = 0; i < s.locals().size(); i++) {
            List<PolicyCompiler.AddressIdentity> addrs = new ArrayList<>();
            for (IpAddress a : List.of(IpAddress.parse("10.0.0." + (i + 1)), IpAddress.parse("fd00::" + (i + 1)))) {
                identities.put(a, nextId);
                labelsAt.put(a, s.locals().get(i));
                addrs.add(new PolicyCompiler.AddressIdentity(a, nextId++));
            }
            locals.add(new PolicyCompiler.LocalEndpoint(i + 1, s.locals().get(i), addrs));
        }
        for (int i = 0; i < s.remotes().size(); i++) {
            List<PolicyCompiler.AddressIdentity> addrs = new ArrayList<>();
            for (IpAddress a : List.of(IpAddress.parse("10.1.0." + (i + 1)), IpAddress.parse("fd00:1::" + (i + 1)))) {
                identities.put(a, nextId);
                labelsAt.put(a, s.remotes().get(i));
                addrs.add(new PolicyCompiler.AddressIdentity(a, nextId++));
            }
            remotes.add(new PolicyCompiler.RemoteEndpoint("r" + i, s.remotes().get(i), addrs));
        }

        CompiledPolicy compiled = new PolicyCompiler().compile(s.set(), locals, remotes);

        for (Point p : s.points()) {
            PolicyOracle.Outcome expected = PolicyOracle.direct(s.set(), s.locals().get(p.endpoint() - 1), p.direction(),
                    p.peer(), Optional.ofNullable(labelsAt.get(p.peer())), p.protocol(), p.port());
            PolicyOracle.Outcome actual = PolicyOracle.simulated(compiled, identities, p.endpoint(), p.direction(),
                    p.peer(), p.protocol(), p.port());
            assertThat(actual).as("%s with %s", p, s.set()).isEqualTo(expected);
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<List<Labels>> locals = labels().list().ofSize(3);
        Arbitrary<List<Labels>> remotes = labels().list().ofSize(2);
        return Combinators.combine(policySets(), locals, remotes, points().list().ofSize(80)).as(Scenario::new);
    }

    private Arbitrary<Labels> labels() {
        return Combinators.combine(Arbitraries.of("a", "b", "c"), Arbitraries.of("x", "y", "")).as((app, tier) ->
                tier.isEmpty() ? Labels.of("app", app) : Labels.of("app", app, "tier", tier));
    }

    private Arbitrary<LabelSelector> selectors() {
        return Arbitraries.oneOf(
                Arbitraries.just(LabelSelector.all()),
                Arbitraries.of("a", "b", "c").map(v -> LabelSelector.matchLabels("app", v)),
                Arbitraries.of("a", "b").map(v -> LabelSelector.of(LabelRequirement.notIn("app", v))),
                Arbitraries.just(LabelSelector.of(LabelRequirement.exists("tier"))),
                Arbitraries.just(LabelSelector.of(LabelRequirement.doesNotExist("tier"))),
                Arbitraries.of("x", "y").map(v -> LabelSelector.of(LabelRequirement.in("tier", v))));
    }

    private Arbitrary<Peer> peers() {
        return Arbitraries.oneOf(
                selectors().map(Peer::selector),
                Arbitraries.of(CIDRS).map(text -> {
                    String[] parts = text.split(" ");
                    String[] except = new String[parts.length - 1];
                    System.arraycopy(parts, 1, except, 0, except.length);
                    return Peer.cidr(parts[0], except);
                }));
    }

    private Arbitrary<PortMatch> portMatches() {
        Arbitrary<PortRange> ranges = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(1, 40), Arbitraries.integers().between(0, 12))
                        .as((from, len) -> PortRange.of(from, Math.min(65535, from + len))),
                Arbitraries.of(PortRange.of(1, 65535), PortRange.of(65530, 65535), PortRange.of(16, 31)));
        return Combinators.combine(Arbitraries.of(Protocol.values()), ranges.injectNull(0.3)).as((proto, range) ->
                proto == Protocol.ICMP || proto == Protocol.ICMPV6 ? PortMatch.any(proto) : new PortMatch(proto, range));
    }

    private Arbitrary<Rule> rules() {
        return Combinators.combine(Arbitraries.of(Action.values()), peers().list().ofMaxSize(2),
                portMatches().list().ofMaxSize(3)).as(Rule::new);
    }

    private Arbitrary<PolicySet> policySets() {
        Arbitrary<List<Rule>> lists = rules().list().ofMaxSize(3).injectNull(0.35);
        Arbitrary<Policy> policies = Combinators.combine(selectors(), lists, lists)
                .filter((sel, in, out) -> in != null || out != null)
                .as((sel, in, out) -> new Policy("p", sel, in, out));
        return policies.list().ofMinSize(1).ofMaxSize(4).map(list -> {
            List<Policy> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Policy p = list.get(i);
                named.add(new Policy("p" + i, p.selector(), p.ingress(), p.egress()));
            }
            return new PolicySet(named);
        });
    }

    private Arbitrary<Point> points() {
        Arbitrary<Integer> ports = Arbitraries.oneOf(Arbitraries.integers().between(0, 45),
                Arbitraries.of(65535, 65531, 65529, 1000));
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.of(Direction.values()),
                Arbitraries.of(PEERS).map(IpAddress::parse), Arbitraries.of(0, 1, 2, 3, 4, 5).map(i -> PROTOCOLS[i]), ports)
                .as((ep, dir, peer, proto, port) -> new Point(ep, dir, peer, proto, proto == 6 || proto == 17 || proto == 132 ? port : 0));
    }
}
