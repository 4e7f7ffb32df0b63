package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.linux.RouteSpec;
import java.util.List;

/**
 * How this provider lays routes into the node namespace's main table. One prefix may carry several entries told apart
 * by their metric, and the lowest metric forwards:
 * <ol>
 * <li>{@link #USER_METRIC}: the user's routes ({@code addRoute}/{@code updateRoutes});</li>
 * <li>{@link #ENDPOINT_METRIC}: each endpoint's /32 (/128) on its veth;</li>
 * <li>{@link #LEARNED_METRIC}: best paths learned from BGP peers ({@link #PROTO_BGP});</li>
 * <li>{@link #NO_ROUTE_METRIC}: a blackhole default per family, so a packet without a route vanishes.</li>
 * </ol>
 * So a user route wins over a learned route for the same prefix, and a learned route never takes a local endpoint's
 * address.
 */
public final class FibRoutes {
    /** The user's routes. */
    public static final int USER_METRIC = 100;
    /** The endpoints' host routes. */
    public static final int ENDPOINT_METRIC = 1000;
    /** Routes learned over BGP. */
    public static final int LEARNED_METRIC = 1500;
    /** The blackhole default routes. */
    public static final int NO_ROUTE_METRIC = 2_000_000_000;
    /** rtm_protocol of learned routes (RTPROT_BGP, as iproute2 names 186). */
    public static final int PROTO_BGP = 186;

    private FibRoutes() {
    }

    /** What the encoder needs to know of an endpoint next hop. */
    public interface Endpoints {
        /** The ifindex of the endpoint's veth host end in the node namespace. */
        int hostIfindex(EndpointId id);

        /** The endpoint's first address of {@code family} (the SPI checked that it has one). */
        IpAddress address(EndpointId id, IpFamily family);
    }

    /** A user route as a FIB entry at {@link #USER_METRIC}; gateways are reached through {@code uplinkIfindex}. */
    public static RouteSpec user(Route route, int uplinkIfindex, Endpoints endpoints) {
        RouteSpec.Builder fib = RouteSpec.to(route.prefix()).priority(USER_METRIC);
        IpFamily family = route.prefix().family();
        if (route.nextHops().size() == 1) {
            return switch (route.nextHops().getFirst()) {
                case NextHop.Gateway g -> fib.via(g.address()).dev(uplinkIfindex).build();
                case NextHop.ToEndpoint t -> family == IpFamily.IPV4
                        ? fib.dev(endpoints.hostIfindex(t.endpoint())).scope(RouteSpec.SCOPE_LINK).build()
                        // IPv6: via the endpoint's own address, which the workload answers neighbour solicitations for
                        : fib.via(endpoints.address(t.endpoint(), family)).dev(endpoints.hostIfindex(t.endpoint())).build();
                case NextHop.Drop d -> fib.type(RouteSpec.TYPE_BLACKHOLE).build();
            };
        }
        for (NextHop hop : route.nextHops()) {
            switch (hop) {
                case NextHop.Gateway g -> fib.nextHop(g.address(), uplinkIfindex, g.weight());
                case NextHop.ToEndpoint t -> fib.nextHop(family == IpFamily.IPV4 ? null : endpoints.address(t.endpoint(), family),
                        endpoints.hostIfindex(t.endpoint()), t.weight());
                case NextHop.Drop d -> throw new IllegalArgumentException("a drop next hop cannot be one of several: " + route);
            }
        }
        return fib.build();
    }

    /** Selects the user route of {@code prefix} (and no other entry of that prefix) for deletion. */
    public static RouteSpec userSelector(IpPrefix prefix) {
        return RouteSpec.to(prefix).priority(USER_METRIC).build();
    }

    /** An endpoint's host route on its veth. */
    public static RouteSpec endpoint(IpAddress address, int hostIfindex) {
        return RouteSpec.to(IpPrefix.host(address)).dev(hostIfindex).scope(RouteSpec.SCOPE_LINK).priority(ENDPOINT_METRIC).build();
    }

    /** The blackhole default route of {@code family}. */
    public static RouteSpec noRoute(IpFamily family) {
        return RouteSpec.to(IpPrefix.defaultRoute(family)).type(RouteSpec.TYPE_BLACKHOLE).priority(NO_ROUTE_METRIC).build();
    }

    /**
     * A learned prefix over its next hops (ECMP when several, equal weights). A link-local next hop (an IPv6 peer's)
     * needs the interface it was learned on: {@code linkLocalIfindex}.
     */
    public static RouteSpec learned(IpPrefix prefix, List<IpAddress> nextHops, int linkLocalIfindex) {
        RouteSpec.Builder fib = RouteSpec.to(prefix).priority(LEARNED_METRIC).protocol(PROTO_BGP);
        if (nextHops.size() == 1) {
            IpAddress hop = nextHops.getFirst();
            return fib.via(hop).dev(isLinkLocal(hop) ? linkLocalIfindex : 0).build();
        }
        for (IpAddress hop : nextHops) {
            fib.nextHop(hop, isLinkLocal(hop) ? linkLocalIfindex : 0, 1);
        }
        return fib.build();
    }

    /** Selects the learned route of {@code prefix} for deletion. */
    public static RouteSpec learnedSelector(IpPrefix prefix) {
        return RouteSpec.to(prefix).priority(LEARNED_METRIC).protocol(PROTO_BGP).build();
    }

    static boolean isLinkLocal(IpAddress address) {
        return address.family() == IpFamily.IPV6 && IpPrefix.parse("fe80::/10").contains(address);
    }
}
