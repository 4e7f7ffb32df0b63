package dev.uniplane.api;

import java.util.HashSet;
import java.util.List;

/**
 * A prefix and its next hops. Several next hops make an ECMP group (flow-consistent by 5-tuple hash, weighted);
 * a drop next hop must stand alone. Gateways must be of the prefix's family.
 */
public record Route(IpPrefix prefix, List<NextHop> nextHops) {

    /** Largest ECMP group a route may have. */
    public static final int MAX_NEXT_HOPS = 64;

    public Route {
        Check.notNull("prefix", prefix);
        nextHops = Check.list("nextHops", nextHops);
        if (nextHops.isEmpty()) {
            throw new InvalidSpecException("nextHops", "[]", "a route needs at least one next hop");
        }
        if (nextHops.size() > MAX_NEXT_HOPS) {
            throw new InvalidSpecException("nextHops", nextHops.size() + " next hops", "at most " + MAX_NEXT_HOPS);
        }
        HashSet<Object> targets = new HashSet<>();
        IpFamily family = prefix.family();
        int hops = nextHops.size();
        for (int i = 0; i < hops; i++) {
            NextHop hop = nextHops.get(i);
            String field = "nextHops[" + i + "]";
            switch (hop) {
                case NextHop.Drop d when hops > 1 ->
                        throw new InvalidSpecException(field, "drop", "a drop next hop cannot be combined with others");
                case NextHop.Gateway g when g.address().family() != family ->
                        throw new InvalidSpecException(field + ".gateway", g.address(), "family differs from prefix " + prefix);
                default -> { }
            }
            Object target = switch (hop) {
                case NextHop.Gateway g -> g.address();
                case NextHop.ToEndpoint e -> e.endpoint();
                case NextHop.Drop d -> d;
            };
            if (!targets.add(target)) {
                throw new InvalidSpecException(field, target, "duplicate next hop");
            }
        }
    }

    /** A route from text; the prefix must not have host bits set ({@code 10.9.0.1/24} is refused, as {@code ip route} does). */
    public static Route of(String prefix, NextHop... nextHops) {
        return new Route(IpPrefix.parseStrict(prefix), List.of(nextHops));
    }

    public boolean isEcmp() {
        return nextHops.size() > 1;
    }

    public boolean isDrop() {
        return nextHops.getFirst() instanceof NextHop.Drop;
    }
}
