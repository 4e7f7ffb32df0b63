package dev.uniplane.provider.ebpf.internal.maps;

import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a route batch fits the route maps at the fullest moment of writing it, checked before anything is written:
 * a map that fills up part-way (ENOSPC after some of a batch update) would leave entries the API does not show.
 * The writing order it assumes: the removed prefixes leave {@code up_routes_v4}/{@code _v6} first and the upserts are
 * written in one batch ({@link DatapathMaps#putRoutes}); then, prefix by prefix in batch order, each upsert's stale
 * {@code up_src_routes} entries go before its new ones are added, and the removed prefixes' entries go last.
 *
 * @param routesV4     max_entries of up_routes_v4
 * @param routesV6     max_entries of up_routes_v6
 * @param sourceRoutes max_entries of up_src_routes
 */
public record RouteCapacity(int routesV4, int routesV6, int sourceRoutes) {

    /**
     * Refuses the batch when a map would need more than its max_entries.
     *
     * @param routed   the prefixes in the route maps now
     * @param sources  per routed prefix, the host ifindexes of its endpoint next hops (its up_src_routes entries now)
     * @param upserts  the batch's routes, encoded, in writing order
     * @param removals the batch's removed prefixes
     * @throws InvalidSpecException naming the map and its max_entries
     */
    public void check(Set<IpPrefix> routed, Map<IpPrefix, Set<Integer>> sources, Map<IpPrefix, NextHopGroup> upserts,
                      Collection<IpPrefix> removals) {
        Set<IpPrefix> after = new HashSet<>(routed);
        // a prefix both removed and upserted is not deleted before the batch update: it stays counted
        removals.stream().filter(p -> !upserts.containsKey(p)).forEach(after::remove);
        after.addAll(upserts.keySet());
        for (IpFamily family : IpFamily.values()) {
            long needed = after.stream().filter(p -> p.family() == family).count();
            int max = family == IpFamily.IPV4 ? routesV4 : routesV6;
            if (needed > max) {
                long now = routed.stream().filter(p -> p.family() == family).count();
                String v = family == IpFamily.IPV4 ? "v4" : "v6";
                throw new InvalidSpecException("routes", needed + " IP" + v + " prefixes", "exceed up_routes_" + v
                        + " max_entries=" + max + " (" + now
                        + " in the map before this batch; nothing was changed)");
            }
        }
        long entries = sources.values().stream().mapToLong(Set::size).sum();
        long peak = entries;
        for (var e : upserts.entrySet()) {
            Set<Integer> before = sources.getOrDefault(e.getKey(), Set.of());
            Set<Integer> next = endpointIfindexes(e.getValue());
            entries += next.stream().filter(i -> !before.contains(i)).count()
                    - before.stream().filter(i -> !next.contains(i)).count();
            peak = Math.max(peak, entries);
        }
        if (peak > sourceRoutes) {
            throw new InvalidSpecException("routes", peak + " (endpoint, routed prefix) pairs",
                    "exceed up_src_routes max_entries=" + sourceRoutes + " (an endpoint may send from each prefix routed to"
                            + " it; nothing was changed)");
        }
    }

    /** The host ifindexes of the group's endpoint hops: they may send from the prefix routed to them. */
    static Set<Integer> endpointIfindexes(NextHopGroup group) {
        return group.hops().stream().filter(h -> h.type() == NextHopEntry.Type.ENDPOINT).map(NextHopEntry::ifindex)
                .collect(Collectors.toSet());
    }
}
