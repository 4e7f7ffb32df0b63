package dev.uniplane.provider.ovsdpdk.internal.state;

import dev.uniplane.api.IpPrefix;
import java.util.List;

/**
 * The OVS-DPDK provider's dataplane-level record in the saved state ({@code dev.uniplane.spi.state.SavedDataplane}):
 * where its OVS instance ran and the route ids (flow cookies) it chose.
 *
 * @param dbSocket    the instance's ovsdb-server socket when the state was written
 * @param runDir      the instance's OVS_RUNDIR
 * @param routeIds    the flow id of each route
 * @param nextRouteId the next free route id
 */
public record OvsState(String dbSocket, String runDir, List<RouteId> routeIds, int nextRouteId) {

    /**
     * One route's flow id (its flows' cookie).
     *
     * @param prefix the route's prefix
     * @param id     its id
     */
    public record RouteId(IpPrefix prefix, int id) {
    }
}
