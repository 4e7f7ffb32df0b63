package dev.uniplane.tck.model;

import dev.uniplane.api.ConflictException;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.Route;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Explicit routes plus the implicit host routes of attached endpoints, with longest-prefix match. On a tie between an
 * explicit host route and an endpoint's implicit host route for the same address, the explicit route wins (as an
 * API-sourced FIB entry overrides an adjacency-sourced one).
 */
final class RoutingTable {
    private final Map<IpPrefix, Route> routes = new TreeMap<>();

    void add(Route route) {
        Route existing = routes.get(route.prefix());
        if (existing != null && !existing.equals(route)) {
            throw new ConflictException("another route exists for " + route.prefix());
        }
        routes.put(route.prefix(), route);
    }

    void replace(Route route) {
        routes.put(route.prefix(), route);
    }

    void remove(IpPrefix prefix) {
        if (routes.remove(prefix) == null) {
            throw new NotFoundException("no route for " + prefix);
        }
    }

    void clear() {
        routes.clear();
    }

    List<Route> routes() {
        return List.copyOf(routes.values());
    }

    /** Looks up {@code destination}; ECMP picks by {@code hashKey}; {@code ttl} is the received TTL. */
    RouteDecision decide(IpAddress destination, FlowKey hashKey, int ttl, EndpointDirectory directory) {
        Route explicit = longestMatch(destination);
        Optional<EndpointId> owner = directory.localAt(destination);
        Route chosen = explicit;
        if (owner.isPresent() && (explicit == null || !explicit.prefix().isHost())) {
            chosen = new Route(IpPrefix.host(destination), List.of(new NextHop.ToEndpoint(owner.get(), 1)));
        }
        if (chosen == null) {
            return new RouteDecision.Dropped(Optional.empty());
        }
        List<NextHop> usable = chosen.nextHops().stream().filter(hop -> switch (hop) {
            case NextHop.Gateway g -> true;
            case NextHop.ToEndpoint e -> directory.isAttached(e.endpoint());
            case NextHop.Drop d -> false;
        }).toList();
        if (usable.isEmpty()) {
            return new RouteDecision.Dropped(Optional.of(chosen.prefix()));
        }
        if (ttl <= 1) {
            return new RouteDecision.TtlExceeded(chosen.prefix());
        }
        return switch (EcmpHash.select(usable, hashKey)) {
            case NextHop.ToEndpoint e -> new RouteDecision.LocalDelivery(e.endpoint(), chosen.prefix(), usable);
            case NextHop.Gateway g -> new RouteDecision.ViaGateway(g.address(), chosen.prefix(), usable);
            case NextHop.Drop d -> throw new AssertionError("drop hops are filtered out");
        };
    }

    private Route longestMatch(IpAddress destination) {
        Route best = null;
        for (Route route : routes.values()) {
            if (route.prefix().contains(destination) && (best == null || route.prefix().length() > best.prefix().length())) {
                best = route;
            }
        }
        return best;
    }
}
