package dev.uniplane.provider.bgp;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.provider.bgp.internal.program.FibRoutes;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.state.SavedDataplane;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over what a previous process of a BGP dataplane left in the node namespace: the veths (an endpoint whose host
 * end is gone, because its workload namespace went away, is dropped with the routes through it), the user routes
 * (written again in place, so a route the kernel lost comes back; an entry no saved route explains is removed), the
 * policy (applied again in one transaction), the announcements; the learned routes were adopted as stale by
 * {@link dev.uniplane.provider.bgp.internal.program.LearnedRoutes#adopt} and gobgpd by
 * {@link dev.uniplane.provider.bgp.internal.daemon.GobgpDaemon#adopt} before this runs.
 */
final class BgpAdoption {
    private static final Logger LOG = LoggerFactory.getLogger(BgpAdoption.class);

    private BgpAdoption() {
    }

    static AdoptionResult adopt(BgpDataplane dp, SavedDataplane saved) {
        Map<EndpointId, Endpoint> endpoints = new LinkedHashMap<>();
        for (SavedDataplane.SavedEndpoint s : saved.endpoints()) {
            Endpoint e = s.endpoint();
            Optional<LinkInfo> host = dp.nodeLinks.findLink(e.hostInterface());
            Optional<Integer> slot = dp.slotOf(e.hostInterface());
            if (host.isEmpty() || slot.isEmpty()) {
                LOG.warn("BGP dataplane {}: endpoint {} is gone (no {} in the node namespace); dropped", dp.name(), e.id(),
                        e.hostInterface());
                continue;
            }
            try {
                dp.nodeLinks.setUp(host.get().index(), true);
                for (IpAddress a : e.spec().addresses()) {
                    dp.nodeLinks.replaceRoute(FibRoutes.endpoint(a, host.get().index()));
                }
            } catch (LinuxException ex) {
                LOG.warn("BGP dataplane {}: endpoint {} cannot be wired again ({}); dropped", dp.name(), e.id(), ex.getMessage());
                dp.nodeLinks.deleteLinkIfPresent(e.hostInterface());
                continue;
            }
            dp.usedSlots.set(slot.get());
            endpoints.put(e.id(), e);
        }
        Map<IpPrefix, Route> routes = new LinkedHashMap<>();
        for (Route r : saved.desired().routes()) {
            boolean reachable = r.nextHops().stream().allMatch(h -> !(h instanceof NextHop.ToEndpoint t) || endpoints.containsKey(t.endpoint()));
            if (!reachable) {
                LOG.warn("BGP dataplane {}: route {} pointed at an endpoint that is gone; dropped", dp.name(), r.prefix());
                continue;
            }
            try {
                dp.nodeLinks.replaceRoute(FibRoutes.user(r, dp.uplinkIfindex, dp.hops(endpoints)));
                routes.put(r.prefix(), r);
            } catch (LinuxException ex) {
                LOG.warn("BGP dataplane {}: route {} cannot be written again ({}); dropped", dp.name(), r.prefix(), ex.getMessage());
            }
        }
        Set<IpPrefix> explained = routes.keySet();
        for (RouteInfo entry : dp.userEntries()) {
            if (!explained.contains(entry.destination())) {
                try {
                    dp.nodeLinks.deleteRoute(entry.toSpec());
                } catch (LinuxException ex) {
                    // gone meanwhile
                }
            }
        }
        List<Endpoint> kept = new ArrayList<>(endpoints.values());
        dp.applyPolicy(saved.desired().policies(), kept, saved.desired().remotes(), routes.values());
        dp.announcements.set(dp.wantedAnnouncements(kept, routes));
        LOG.info("BGP dataplane {} adopted {} endpoints and {} routes", dp.name(), kept.size(), routes.size());
        return new AdoptionResult(kept, List.copyOf(routes.values()), saved.desired().policies(), saved.desired().remotes());
    }
}
