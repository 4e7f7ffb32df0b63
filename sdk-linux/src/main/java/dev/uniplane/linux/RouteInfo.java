package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;

import java.util.List;
import java.util.Map;

/**
 * A route as dumped by RTM_GETROUTE (the fields of {@link RouteSpec} plus rtm_flags).
 *
 * @param destination     destination prefix (0.0.0.0/0 or ::/0 for a default route)
 * @param table           RTA_TABLE (or rtm_table)
 * @param gateway         RTA_GATEWAY or {@code null}
 * @param ifIndex         RTA_OIF or 0
 * @param nextHops        decoded RTA_MULTIPATH with weights (empty for single-path routes)
 * @param protocol        rtm_protocol
 * @param scope           rtm_scope
 * @param type            rtm_type
 * @param priority        RTA_PRIORITY or -1
 * @param preferredSource RTA_PREFSRC or {@code null}
 * @param metrics         RTA_METRICS
 * @param flags           rtm_flags
 */
public record RouteInfo(IpPrefix destination, int table, IpAddress gateway, int ifIndex, List<FibNextHop> nextHops,
                        int protocol, int scope, int type, int priority, IpAddress preferredSource,
                        Map<Integer, Integer> metrics, int flags) {
    public RouteInfo {
        nextHops = List.copyOf(nextHops);
        metrics = Map.copyOf(metrics);
    }

    /** The same route as a spec, e.g. to delete or re-add it. */
    public RouteSpec toSpec() {
        return new RouteSpec(destination, table, gateway, ifIndex, nextHops, protocol, scope, type, priority,
                preferredSource, metrics);
    }
}
