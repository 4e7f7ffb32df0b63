package dev.uniplane.agent.api;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Plan;
import dev.uniplane.api.ProviderStatus;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.BackendView;
import dev.uniplane.tck.model.ModelArbitraries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators for every record the agent's wire carries, beyond the policy generators of the kit's
 * {@link ModelArbitraries} (which this reuses for policy sets). Ids and addresses are drawn per index so that generated
 * desired states satisfy their uniqueness rules.
 */
final class ModelArbitrariesForWire {
    private ModelArbitrariesForWire() {
    }

    static Arbitrary<IpAddress> addresses() {
        return Arbitraries.oneOf(Arbitraries.integers().map(IpAddress::ofV4),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(IpAddress::ofV6));
    }

    static Arbitrary<IpPrefix> prefixes() {
        return addresses().flatMap(a -> Arbitraries.integers().between(0, a.family().bits()).map(len -> new IpPrefix(a, len)));
    }

    static Arbitrary<Labels> labels() {
        List<String> keys = new ArrayList<>(ModelArbitraries.LABELS.keySet());
        keys.add("k8s.io/name");
        return Arbitraries.maps(Arbitraries.of(keys), Arbitraries.of("", "web", "db", "a.b-c_d")).ofMaxSize(3).map(Labels::of);
    }

    static Arbitrary<MacAddress> unicastMacs() {
        return Arbitraries.longs().between(0, (1L << 48) - 1).map(v -> new MacAddress(v & ~(1L << 40)));
    }

    /** Endpoint number {@code i}: id ep{i}, addresses 10.1.i.1 and maybe fd00:1::i+1. */
    static Arbitrary<AttachSpec> attachSpecs(int i) {
        return Combinators.combine(Arbitraries.of("/run/netns/w" + i, "/proc/" + (100 + i) + "/ns/net"),
                        Arbitraries.of("eth0", "net1", "veth-x"), Arbitraries.of(true, false), unicastMacs().injectNull(0.5), labels(),
                        Arbitraries.subsetOf(AttachKind.values()).ofMinSize(1).map(List::copyOf))
                .as((netns, ifname, v6, mac, labels, kinds) -> {
                    List<IpAddress> addrs = new ArrayList<>(List.of(IpAddress.ofV4(0x0a010001 | (i << 8))));
                    if (v6) {
                        addrs.add(IpAddress.ofV6(0xfd00_0001_0000_0000L, i + 1));
                    }
                    return new AttachSpec(EndpointId.of("ep" + i), netns, ifname, addrs, mac, labels, kinds);
                });
    }

    static Arbitrary<Endpoint> endpoints() {
        return Arbitraries.integers().between(0, 200).flatMap(i -> Combinators.combine(attachSpecs(i), Arbitraries.of(AttachKind.values()),
                        Arbitraries.of("uptk1-h0", "vhu0"), unicastMacs(), unicastMacs())
                .as(Endpoint::new));
    }

    /** Remote number {@code i}: id r{i}, addresses in 10.2.i.0/24. */
    static Arbitrary<RemoteEndpoint> remotes(int i) {
        return Combinators.combine(Arbitraries.integers().between(1, 3), labels())
                .as((n, labels) -> {
                    List<IpAddress> addrs = new ArrayList<>();
                    for (int k = 1; k <= n; k++) {
                        addrs.add(IpAddress.ofV4(0x0a020000 | (i << 8) | k));
                    }
                    return new RemoteEndpoint("r" + i, addrs, labels);
                });
    }

    private static Arbitrary<NextHop> nextHops(IpFamily family) {
        Arbitrary<IpAddress> gateways = addresses().filter(a -> a.family() == family);
        Arbitrary<Integer> weights = Arbitraries.integers().between(1, NextHop.MAX_WEIGHT);
        return Arbitraries.oneOf(Combinators.combine(gateways, weights).as(NextHop.Gateway::new),
                Combinators.combine(Arbitraries.integers().between(0, 9).map(n -> EndpointId.of("ep" + n)), weights).as(NextHop.ToEndpoint::new));
    }

    static Arbitrary<Route> routes() {
        return prefixes().flatMap(prefix -> Arbitraries.oneOf(
                Arbitraries.just(new Route(prefix, List.of(new NextHop.Drop()))),
                nextHops(prefix.family()).list().ofMinSize(1).ofMaxSize(4)
                        .uniqueElements(h -> h instanceof NextHop.Gateway g ? g.address() : ((NextHop.ToEndpoint) h).endpoint())
                        .map(hops -> new Route(prefix, hops))));
    }

    static Arbitrary<DesiredState> desiredStates() {
        Arbitrary<List<AttachSpec>> endpoints = Arbitraries.integers().between(0, 4).flatMap(n -> {
            List<Arbitrary<AttachSpec>> each = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                each.add(attachSpecs(i));
            }
            return n == 0 ? Arbitraries.just(List.<AttachSpec>of()) : Combinators.combine(each).as(List::copyOf);
        });
        Arbitrary<List<RemoteEndpoint>> remotes = Arbitraries.integers().between(0, 3).flatMap(n -> {
            List<Arbitrary<RemoteEndpoint>> each = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                each.add(remotes(i));
            }
            return n == 0 ? Arbitraries.just(List.<RemoteEndpoint>of()) : Combinators.combine(each).as(List::copyOf);
        });
        List<IpAddress> around = List.of(IpAddress.parse("10.1.0.1"), IpAddress.parse("10.2.0.1"), IpAddress.parse("fd00:1::1"));
        return Combinators.combine(endpoints, routes().list().ofMaxSize(4).uniqueElements(Route::prefix),
                ModelArbitraries.policySets(around), remotes).as(DesiredState::new);
    }

    static Arbitrary<Plan> plans() {
        return Combinators.combine(desiredStates(), desiredStates()).as(Plan::between);
    }

    static Arbitrary<StatsSnapshot> snapshots() {
        Arbitrary<Instant> instants = Combinators.combine(Arbitraries.longs().between(0, 4_000_000_000L),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        Arbitrary<Long> counters = Arbitraries.longs().greaterOrEqual(0);
        Arbitrary<Map<DropReason, Long>> drops = Arbitraries.maps(Arbitraries.of(DropReason.values()), counters).ofMaxSize(3)
                .map(m -> m.isEmpty() ? Map.of() : new EnumMap<>(m));
        Arbitrary<EndpointStats> endpointStats = Combinators.combine(Arbitraries.integers().between(0, 50).map(i -> EndpointId.of("ep" + i)),
                counters, counters, counters, counters, drops).as(EndpointStats::new);
        Arbitrary<RuleStats> ruleStats = Combinators.combine(Arbitraries.of("p0", "p1", "allow-web"), Arbitraries.of(Direction.values()),
                        Arbitraries.integers().between(0, 5), Arbitraries.of(dev.uniplane.api.Action.values()), counters)
                .as((policy, direction, index, action, packets) -> new RuleStats(new RuleRef(policy, direction, index), action, packets));
        Arbitrary<Map<String, Long>> numbers = Arbitraries.maps(Arbitraries.of("used", "limit", "uptime", "rx"), Arbitraries.longs())
                .ofMaxSize(3);
        Arbitrary<dev.uniplane.api.ProviderStats.Row> row = Combinators.combine(
                Arbitraries.maps(Arbitraries.of("state", "as"), Arbitraries.strings().alpha().ofMaxLength(8)).ofMaxSize(2),
                numbers, numbers).as(dev.uniplane.api.ProviderStats.Row::new);
        Arbitrary<Map<String, dev.uniplane.api.ProviderStats>> extensions = Arbitraries.maps(Arbitraries.of("bgp.peers", "ebpf.maps"),
                Arbitraries.maps(Arbitraries.of("10.0.0.1", "up_routes_v4"), row).ofMaxSize(2).map(dev.uniplane.api.ProviderStats::new))
                .ofMaxSize(2);
        return Combinators.combine(instants, endpointStats.list().ofMaxSize(4).uniqueElements(EndpointStats::endpoint),
                        ruleStats.list().ofMaxSize(4).uniqueElements(RuleStats::rule), extensions)
                .as((at, eps, rules, ext) -> {
                    Map<EndpointId, EndpointStats> e = new LinkedHashMap<>();
                    eps.forEach(s -> e.put(s.endpoint(), s));
                    Map<RuleRef, RuleStats> r = new LinkedHashMap<>();
                    rules.forEach(s -> r.put(s.rule(), s));
                    return new StatsSnapshot(at, e, r, ext);
                });
    }

    static Arbitrary<Capabilities> capabilities() {
        return Arbitraries.subsetOf(Capability.values()).map(Capabilities::new);
    }

    static Arbitrary<DataplaneConfig> configs() {
        Arbitrary<Duration> durations = Combinators.combine(Arbitraries.longs().between(0, 86_400), Arbitraries.integers().between(1, 999_999_999))
                .as(Duration::ofSeconds);
        return Combinators.combine(Arbitraries.of("ebpf", "dpdk", "ovsdpdk").injectNull(0.3),
                        Arbitraries.strings().withChars("abcxyz0189-").ofMinLength(0).ofMaxLength(14).map(s -> "n" + s),
                        Arbitraries.of("/run/netns/node", "/proc/1/ns/net").injectNull(0.5), Arbitraries.of("eth1", "uptk12up").injectNull(0.5),
                        Combinators.combine(durations, durations, durations, durations).as(FlowTimeouts::new),
                        Arbitraries.maps(Arbitraries.of("maps.routes", "pmd-cpu", "x"), Arbitraries.of("1", "", "a b")).ofMaxSize(3))
                .as(DataplaneConfig::new);
    }

    static Arbitrary<ProviderStatus> providerStatuses() {
        Arbitrary<Availability> availability = Arbitraries.oneOf(Arbitraries.just(Availability.ok()),
                Combinators.combine(Arbitraries.of("libbpf.so.1 not found", "no hugepages"), Arbitraries.of("", "apt-get install libbpf1"))
                        .as(Availability::unavailable));
        return Combinators.combine(Arbitraries.of("ebpf", "vpp"), Arbitraries.of("tc programs", ""), capabilities(),
                Arbitraries.integers(), availability).as(ProviderStatus::new);
    }

    static Arbitrary<BackendView> backendViews() {
        Arbitrary<BackendView.EndpointView> endpointViews = Combinators.combine(Arbitraries.integers().between(0, 9).map(i -> EndpointId.of("ep" + i)),
                addresses().list().ofMaxSize(2), Arbitraries.of("h0", "vhu1")).as(BackendView.EndpointView::new);
        Arbitrary<BackendView.PolicyEntries> entries = Combinators.combine(Arbitraries.integers().between(0, 9).map(i -> EndpointId.of("ep" + i)),
                Arbitraries.of(Direction.values()), Arbitraries.of(true, false), Arbitraries.integers().between(0, 1000))
                .as(BackendView.PolicyEntries::new);
        Arbitrary<RuleRef> refs = Combinators.combine(Arbitraries.of("p0", "p1"), Arbitraries.of(Direction.values()),
                Arbitraries.integers().between(0, 3)).as(RuleRef::new);
        return Combinators.combine(Arbitraries.of("ebpf", "ovsdpdk"), Arbitraries.subsetOf(BackendView.Aspect.values()),
                        endpointViews.list().ofMaxSize(3), routes().list().ofMaxSize(3), addresses().set().ofMaxSize(3),
                        entries.list().ofMaxSize(3), refs.set().ofMaxSize(3), Arbitraries.of("port 7", "flow x").list().ofMaxSize(2))
                .as((provider, readable, eps, routes, remotes, policy, counted, unexplained) ->
                        new BackendView(provider, Set.copyOf(readable), eps, routes, remotes, policy, counted, unexplained));
    }
}
