package dev.uniplane.spi;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Policy;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import dev.uniplane.spi.BackendView.Aspect;
import dev.uniplane.spi.BackendView.EndpointView;
import dev.uniplane.spi.BackendView.PolicyEntries;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The differences between what a dataplane should hold ({@link DesiredState}) and what its backend has programmed
 * ({@link BackendView}), as human-readable lines. Only the view's {@link BackendView#readable() readable} aspects are
 * compared. ECMP weights are compared as shares (reduced by their common divisor), since a backend may scale them.
 */
public final class Drift {
    private Drift() {
    }

    /**
     * The drift of a dataplane's backend from its {@link dev.uniplane.api.Dataplane#currentState()}. The two are read
     * one after the other: a change made by another thread in between shows as drift.
     *
     * @throws InspectionUnsupportedException when the dataplane cannot read its backend back
     */
    public static List<String> of(dev.uniplane.api.Dataplane dataplane) {
        if (!(dataplane instanceof BackendInspector inspector)) {
            throw new InspectionUnsupportedException(dataplane.provider());
        }
        return between(dataplane.currentState(), inspector.inspect());
    }

    /** Every difference, one line each, in a stable order; empty when the backend matches. */
    public static List<String> between(DesiredState desired, BackendView backend) {
        List<String> out = new ArrayList<>();
        Set<Aspect> readable = backend.readable();
        if (readable.contains(Aspect.ENDPOINTS)) {
            endpoints(desired, backend, out);
        }
        if (readable.contains(Aspect.ROUTES)) {
            routes(desired, backend, out);
        }
        if (readable.contains(Aspect.REMOTES)) {
            remotes(desired, backend, out);
        }
        if (readable.contains(Aspect.POLICY_ISOLATION)) {
            isolation(desired, backend, out);
        }
        if (readable.contains(Aspect.RULE_COUNTERS)) {
            counters(desired, backend, out);
        }
        backend.unexplained().forEach(u -> out.add("backend holds " + u));
        return List.copyOf(out);
    }

    private static void endpoints(DesiredState desired, BackendView backend, List<String> out) {
        Map<EndpointId, EndpointView> programmed = new TreeMap<>();
        for (EndpointView e : backend.endpoints()) {
            if (programmed.put(e.id(), e) != null) {
                out.add("endpoint " + e.id() + ": wired more than once in the backend");
            }
        }
        Set<EndpointId> wanted = new HashSet<>();
        for (AttachSpec spec : desired.endpoints()) {
            wanted.add(spec.id());
            EndpointView e = programmed.get(spec.id());
            if (e == null) {
                out.add("endpoint " + spec.id() + ": missing in the backend");
            } else if (!new TreeSet<>(e.addresses()).equals(new TreeSet<>(spec.addresses()))) {
                out.add("endpoint " + spec.id() + ": addresses " + new TreeSet<>(spec.addresses()) + " expected, backend has "
                        + new TreeSet<>(e.addresses()) + " (on " + e.hostInterface() + ")");
            }
        }
        programmed.values().stream().filter(e -> !wanted.contains(e.id()))
                .forEach(e -> out.add("endpoint " + e.id() + ": in the backend (" + e.hostInterface() + ") but not attached"));
    }

    private static void routes(DesiredState desired, BackendView backend, List<String> out) {
        Map<IpPrefix, Route> programmed = new TreeMap<>();
        for (Route r : backend.routes()) {
            if (programmed.put(r.prefix(), r) != null) {
                out.add("route " + r.prefix() + ": programmed more than once in the backend");
            }
        }
        Map<IpPrefix, Route> wanted = new TreeMap<>();
        desired.routes().forEach(r -> wanted.put(r.prefix(), r));
        for (Route r : wanted.values()) {
            Route b = programmed.get(r.prefix());
            if (b == null) {
                out.add("route " + r.prefix() + ": missing in the backend (expected " + describe(r.nextHops()) + ")");
            } else if (!shares(r.nextHops()).equals(shares(b.nextHops()))) {
                out.add("route " + r.prefix() + ": next hops " + describe(r.nextHops()) + " expected, backend has "
                        + describe(b.nextHops()));
            }
        }
        programmed.values().stream().filter(r -> !wanted.containsKey(r.prefix()))
                .forEach(r -> out.add("route " + r.prefix() + ": in the backend (" + describe(r.nextHops()) + ") but not in the route table"));
    }

    private static void remotes(DesiredState desired, BackendView backend, List<String> out) {
        Set<IpAddress> wanted = new TreeSet<>();
        for (RemoteEndpoint r : desired.remotes()) {
            wanted.addAll(r.addresses());
        }
        Set<IpAddress> programmed = new TreeSet<>(backend.remoteAddresses());
        for (IpAddress a : wanted) {
            if (!programmed.contains(a)) {
                out.add("remote address " + a + ": no identity for it in the backend");
            }
        }
        for (IpAddress a : programmed) {
            if (!wanted.contains(a)) {
                out.add("remote address " + a + ": identity in the backend but no remote endpoint has it");
            }
        }
    }

    private static void isolation(DesiredState desired, BackendView backend, List<String> out) {
        Map<String, PolicyEntries> programmed = new TreeMap<>();
        backend.policy().forEach(p -> programmed.put(p.endpoint() + "/" + p.direction(), p));
        for (AttachSpec spec : desired.endpoints()) {
            for (Direction d : Direction.values()) {
                boolean isolated = desired.policies().policies().stream()
                        .anyMatch(p -> p.isolates(d) && p.selector().matches(spec.labels()));
                PolicyEntries b = programmed.get(spec.id() + "/" + d);
                String where = "policy " + spec.id() + " " + d.name().toLowerCase(java.util.Locale.ROOT);
                if (b == null) {
                    out.add(where + ": nothing read back from the backend");
                } else if (b.isolated() != isolated) {
                    out.add(where + ": " + (isolated ? "isolated" : "open") + " expected, backend has it "
                            + (b.isolated() ? "isolated" : "open") + " (" + b.entries() + " entries)");
                }
            }
        }
    }

    private static void counters(DesiredState desired, BackendView backend, List<String> out) {
        Set<RuleRef> wanted = new TreeSet<>();
        for (Policy p : desired.policies().policies()) {
            if (desired.endpoints().stream().noneMatch(e -> p.selector().matches(e.labels()))) {
                continue;
            }
            for (Direction d : Direction.values()) {
                int n = p.rules(d).map(List::size).orElse(0);
                for (int i = 0; i < n; i++) {
                    wanted.add(new RuleRef(p.name(), d, i));
                }
            }
        }
        Set<RuleRef> programmed = new TreeSet<>(backend.countedRules());
        wanted.stream().filter(r -> !programmed.contains(r)).forEach(r -> out.add("rule " + r + ": no counter in the backend"));
        programmed.stream().filter(r -> !wanted.contains(r)).forEach(r -> out.add("rule " + r + ": counter in the backend but no such rule is in force"));
    }

    /** Next hop target to its share of traffic (weight divided by the weights' greatest common divisor). */
    private static Map<Object, Integer> shares(List<NextHop> hops) {
        int gcd = 0;
        for (NextHop h : hops) {
            gcd = gcd(gcd, h.weight());
        }
        Map<Object, Integer> shares = new java.util.HashMap<>();
        for (NextHop h : hops) {
            Object target = switch (h) {
                case NextHop.Gateway g -> g.address();
                case NextHop.ToEndpoint e -> e.endpoint();
                case NextHop.Drop d -> "drop";
            };
            shares.merge(target, h.weight() / Math.max(gcd, 1), Integer::sum);
        }
        return shares;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static String describe(List<NextHop> hops) {
        List<String> parts = new ArrayList<>();
        for (NextHop h : hops) {
            String target = switch (h) {
                case NextHop.Gateway g -> "gateway " + g.address();
                case NextHop.ToEndpoint e -> "endpoint " + e.endpoint();
                case NextHop.Drop d -> "drop";
            };
            parts.add(hops.size() > 1 ? target + " weight " + h.weight() : target);
        }
        return String.join(", ", parts);
    }
}
