package dev.uniplane.api;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Every counter of a dataplane, read at one moment. Counters are monotonic from attach (endpoints) or apply (rules). */
public record StatsSnapshot(Instant takenAt, Map<EndpointId, EndpointStats> endpoints, Map<RuleRef, RuleStats> rules) {

    public StatsSnapshot {
        Check.notNull("takenAt", takenAt);
        endpoints = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("endpoints", endpoints)));
        rules = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("rules", rules)));
    }

    public EndpointStats endpoint(EndpointId id) {
        EndpointStats stats = endpoints.get(id);
        if (stats == null) {
            throw new NotFoundException("no stats for endpoint " + id + " (not attached)");
        }
        return stats;
    }

    /** Stats for a rule; zero when the rule exists but nothing hit it yet, or when no such rule is known. */
    public RuleStats rule(RuleRef ref, Action action) {
        RuleStats stats = rules.get(ref);
        return stats != null ? stats : new RuleStats(ref, action, 0);
    }

    /**
     * Counters gained since {@code earlier}. Endpoints or rules absent from {@code earlier} count from zero; those
     * gone since are left out.
     */
    public StatsSnapshot delta(StatsSnapshot earlier) {
        Map<EndpointId, EndpointStats> eps = new TreeMap<>();
        endpoints.forEach((id, now) -> eps.put(id, now.minus(earlier.endpoints.getOrDefault(id, EndpointStats.zero(id)))));
        Map<RuleRef, RuleStats> rs = new TreeMap<>();
        rules.forEach((ref, now) -> rs.put(ref, now.minus(earlier.rules.getOrDefault(ref, new RuleStats(ref, now.action(), 0)))));
        return new StatsSnapshot(takenAt, eps, rs);
    }
}
