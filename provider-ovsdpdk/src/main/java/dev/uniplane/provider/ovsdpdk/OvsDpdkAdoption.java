package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.provider.ovsdpdk.internal.state.OvsEndpointState;
import dev.uniplane.provider.ovsdpdk.internal.state.OvsState;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.InterfaceRow;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.DesiredView;
import dev.uniplane.spi.state.SavedDataplane;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
final class OvsDpdkAdoption {
    private static final Logger LOG = LoggerFactory.getLogger(OvsDpdkAdoption.class);

    private OvsDpdkAdoption() {
    }

    /** The saved state of this name, or empty when there is none or it cannot be read (then the dataplane starts empty). */
    static Optional<SavedDataplane> readSavedState(String name) {
        var file = SavedDataplane.file(OvsDpdkProvider.NAME, name);
        try {
            return SavedDataplane.read(file);
        } catch (UncheckedIOException | IllegalStateException e) {
            LOG.warn("ignoring unreadable state {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Fills the dataplane's backend handles from {@code saved} and converges the flows; the caller owns {@code dp} alone. */
    static AdoptionResult adopt(OvsDpdkDataplane dp, SavedDataplane saved) {
        Map<EndpointId, Endpoint> endpoints = new LinkedHashMap<>();
        for (SavedDataplane.SavedEndpoint s : saved.endpoints()) {
            Endpoint e = s.endpoint();
            Optional<Wiring> w = keepOrWireAgain(dp, e, s.backend(OvsEndpointState.class).orElseThrow());
            if (w.isEmpty()) {
                continue;
            }
            dp.wirings.put(e.id(), w.get());
            dp.usedIndexes.set(w.get().index());
            endpoints.put(e.id(), new Endpoint(e.spec(), e.kind(), e.hostInterface(), w.get().mac(), dp.gatewayMac));
        }
        OvsState backend = saved.backend(OvsState.class).orElseThrow();
        Map<IpPrefix, Integer> ids = new HashMap<>();
        backend.routeIds().forEach(r -> ids.put(r.prefix(), r.id()));
        Map<IpPrefix, Route> kept = new LinkedHashMap<>();
        dp.nextRouteId = backend.nextRouteId();
        for (Route r : saved.desired().routes()) {
            boolean dangling = r.nextHops().stream()
                    .anyMatch(h -> h instanceof NextHop.ToEndpoint t && !dp.wirings.containsKey(t.endpoint()));
            if (dangling) {
                LOG.warn("route {} pointed at a vanished endpoint; removing it", r.prefix());
                continue;
            }
            dp.routeIds.put(r.prefix(), ids.get(r.prefix()));
            kept.put(r.prefix(), r);
        }
        Map<String, RemoteEndpoint> remotes = new LinkedHashMap<>();
        saved.desired().remotes().forEach(r -> remotes.put(r.id(), r));
        DesiredView adopted = new DesiredView(endpoints, kept, saved.desired().policies(), remotes);
        dp.convergence.converge(adopted);
        return AdoptionResult.of(adopted);
    }

    /** The endpoint's wiring as it is when its veth and port survived, else wired again; empty when that fails. */
    private static Optional<Wiring> keepOrWireAgain(OvsDpdkDataplane dp, Endpoint e, OvsEndpointState state) {
        String hostName = e.hostInterface();
        Optional<InterfaceRow> port = dp.ovs.ovsdb().iface(hostName);
        if (dp.nodeLinks.findLink(hostName).isPresent() && port.isPresent() && port.get().ofport().orElse(-1L) == state.ofport()) {
            return Optional.of(new Wiring(state.index(), state.ofport(), hostName, e.mac(), e.spec(), e.kind()));
        }
        try {
            dp.endpointWiring.deletePortQuietly(hostName, null);
            dp.endpointWiring.deleteLeftoverLink(hostName);
            Wiring w = dp.endpointWiring.wire(e.spec(), e.kind(), state.index());
            LOG.info("endpoint {} of {} wired again (port {})", e.id(), dp.name(), hostName);
            return Optional.of(w);
        } catch (RuntimeException failure) {
            LOG.warn("endpoint {} of {} cannot be wired again ({}); dropping it", e.id(), dp.name(), failure.getMessage());
            dp.endpointWiring.deletePortQuietly(hostName, null);
            dp.endpointWiring.deleteLeftoverLink(hostName);
            return Optional.empty();
        }
    }
}
