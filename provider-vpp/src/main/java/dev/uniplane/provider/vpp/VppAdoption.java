package dev.uniplane.provider.vpp;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.provider.vpp.internal.host.Wiring;
import dev.uniplane.provider.vpp.internal.state.VppEndpointState;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lets a VPP dataplane outlive its process: VPP (started per dataplane, it is no child that dies with the JVM)
 * keeps forwarding, and the SPI writes the saved state after every change. The next open of the name takes the
 * running VPP over, or starts a new one, and programs the saved state into it: every step finds what VPP holds
 * already (interfaces by name, the loopback by MAC) and writes the rest, so the same replay serves a VPP that kept
 * everything and one that kept nothing.
 */
final class VppAdoption {
    private static final Logger LOG = LoggerFactory.getLogger(VppAdoption.class);

    private VppAdoption() {
    }

    /** The saved state a previous process left for this dataplane, if any. */
    static Optional<SavedDataplane> savedState(Path file) {
        return Files.exists(file) ? SavedDataplane.read(file) : Optional.empty();
    }

    /**
     * Wires the saved endpoints whose host veth still exists (a workload namespace deleted meanwhile took its veth
     * along: that endpoint is dropped with the routes that pointed at it), then the routes and the policy.
     */
    static AdoptionResult adopt(VppDataplane dp, SavedDataplane saved) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (SavedDataplane.SavedEndpoint s : saved.endpoints()) {
            Endpoint e = s.endpoint();
            VppEndpointState state = s.backend(VppEndpointState.class).orElseThrow();
            int[] memif = null;
            if (e.kind() == dev.uniplane.api.AttachKind.MEMIF) {
                // A VPP that kept running still has the interface; a new one gets a new socket on the same file.
                boolean kept = dp.interfaces.all().stream().anyMatch(d -> d.swIfIndex() == state.swIfIndex()
                        && d.name().startsWith("memif"));
                memif = kept ? new int[] {state.swIfIndex(), state.memifSocket()} : null;
                if (!kept) {
                    deleteQuietly(Path.of(e.hostInterface()));
                }
            } else if (dp.nodeLinks.findLink(e.hostInterface()).isEmpty()) {
                LOG.warn("endpoint {} vanished while {} was closed (no {}); dropping it", e.id(), dp.name(),
                        e.hostInterface());
                dp.interfaces.deleteAfPacketQuietly(e.hostInterface());
                continue;
            }
            dp.adopted(dp.plug(state.slot(), e.hostInterface(), e.mac(), e.spec(), e.kind(), true, memif));
            endpoints.add(e);
        }
        List<Route> routes = new ArrayList<>();
        for (Route r : saved.desired().routes()) {
            boolean dangling = r.nextHops().stream()
                    .anyMatch(h -> h instanceof NextHop.ToEndpoint t && !dp.wirings.containsKey(t.endpoint()));
            if (dangling) {
                LOG.warn("route {} pointed at a vanished endpoint; dropping it", r.prefix());
            } else {
                routes.add(r);
            }
        }
        dp.fib.apply(VppDataplane.changes(Map.of(), dp.fibOf(dp.wirings, routes)));
        dp.adoptPolicies(saved.desired().policies(), saved.desired().remotes(), routes);
        LOG.info("VPP dataplane {} adopted {} endpoints and {} routes", dp.name(), endpoints.size(), routes.size());
        return new AdoptionResult(endpoints, routes, saved.desired().policies(), saved.desired().remotes());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            LOG.debug("cannot remove {}: {}", file, e.toString());
        }
    }
}
