package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.provider.ovsdpdk.internal.state.SavedState;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.InterfaceRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over a saved configuration when a dataplane is opened again (after a close, a JVM crash or a lost instance).
 * On an adopted bridge every endpoint whose veth and port are still there is kept as it is; an endpoint that lost them
 * (a new bridge after the instance was lost, or its veth vanished) is wired again with the same index (veth, workload
 * side, port), and dropped, with the routes that pointed at it, when that fails (its namespace is gone). Then the
 * switch's flows converge on the computed program ({@link FlowConvergence}): identical flows stay untouched, so traffic
 * and counters go on.
 */
final class SavedStateAdoption {
    private static final Logger LOG = LoggerFactory.getLogger(SavedStateAdoption.class);

    /** What is in force after the adoption, for the API-side bookkeeping. */
    record Adopted(List<Endpoint> endpoints, List<Route> routes) {
    }

    private SavedStateAdoption() {
    }

    /** Fills the dataplane's bookkeeping from {@code saved} and converges the flows; the caller owns {@code dp} alone. */
    static Adopted adopt(OvsDpdkDataplane dp, SavedState saved) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (SavedState.SavedEndpoint e : saved.endpoints()) {
            Optional<Wiring> w = keepOrWireAgain(dp, e);
            if (w.isEmpty()) {
                continue;
            }
            dp.wirings.put(e.spec().id(), w.get());
            dp.usedIndexes.set(e.index());
            endpoints.add(new Endpoint(e.spec(), e.kind(), e.hostName(), w.get().mac(), dp.gatewayMac));
        }
        List<Route> kept = new ArrayList<>();
        dp.nextRouteId = saved.nextRouteId();
        for (SavedState.SavedRoute r : saved.routes()) {
            boolean dangling = r.route().nextHops().stream()
                    .anyMatch(h -> h instanceof NextHop.ToEndpoint t && !dp.wirings.containsKey(t.endpoint()));
            if (dangling) {
                LOG.warn("route {} pointed at a vanished endpoint; removing it", r.route().prefix());
                continue;
            }
            dp.routeIds.put(r.route().prefix(), r.id());
            dp.routes.put(r.route().prefix(), r.route());
            kept.add(r.route());
        }
        dp.remoteEndpoints = List.copyOf(saved.remotes());
        dp.policySet = saved.policies();
        dp.convergence.converge();
        return new Adopted(endpoints, kept);
    }

    /** The endpoint's wiring as it is when its veth and port survived, else wired again; empty when that fails. */
    private static Optional<Wiring> keepOrWireAgain(OvsDpdkDataplane dp, SavedState.SavedEndpoint e) {
        Optional<InterfaceRow> port = dp.ovs.ovsdb().iface(e.hostName());
        if (dp.nodeLinks.findLink(e.hostName()).isPresent() && port.isPresent() && port.get().ofport().orElse(-1L) == e.ofport()) {
            return Optional.of(new Wiring(e.index(), e.ofport(), e.hostName(), e.mac(), e.spec(), e.kind()));
        }
        try {
            dp.endpointWiring.deletePortQuietly(e.hostName(), null);
            dp.endpointWiring.deleteLeftoverLink(e.hostName());
            Wiring w = dp.endpointWiring.wire(e.spec(), e.kind(), e.index());
            LOG.info("endpoint {} of {} wired again (port {})", e.spec().id(), dp.name(), e.hostName());
            return Optional.of(w);
        } catch (RuntimeException failure) {
            LOG.warn("endpoint {} of {} cannot be wired again ({}); dropping it", e.spec().id(), dp.name(), failure.getMessage());
            dp.endpointWiring.deletePortQuietly(e.hostName(), null);
            dp.endpointWiring.deleteLeftoverLink(e.hostName());
            return Optional.empty();
        }
    }
}
