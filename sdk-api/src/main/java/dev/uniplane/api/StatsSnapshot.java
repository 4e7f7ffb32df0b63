package dev.uniplane.api;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every counter of a dataplane, read at one moment. Counters are monotonic from attach (endpoints) or apply (rules).
 *
 * @param takenAt    when they were read
 * @param endpoints  per endpoint
 * @param rules      per policy rule
 * @param extensions what only this provider counts, keyed by a name that starts with the provider's name (e.g.
 *                   {@code "bgp.peers"}); see {@link ProviderStats} for how a provider adds its own
 */
public record StatsSnapshot(Instant takenAt, Map<EndpointId, EndpointStats> endpoints, Map<RuleRef, RuleStats> rules,
                            Map<String, ProviderStats> extensions) {

    public StatsSnapshot {
        Check.notNull("takenAt", takenAt);
        endpoints = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("endpoints", endpoints)));
        rules = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("rules", rules)));
        extensions = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("extensions", extensions)));
    }

    /** A snapshot without provider-specific extensions. */
    public StatsSnapshot(Instant takenAt, Map<EndpointId, EndpointStats> endpoints, Map<RuleRef, RuleStats> rules) {
        this(takenAt, endpoints, rules, Map.of());
    }

    /** The provider-specific statistics named {@code name} (e.g. {@code "bgp.peers"}), if the provider has them. */
    public java.util.Optional<ProviderStats> extension(String name) {
        return java.util.Optional.ofNullable(extensions.get(name));
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
     * Counters gained since {@code earlier}. Endpoints, rules or extensions absent from {@code earlier} count from
     * zero; those gone since are left out. Extensions subtract counters only ({@link ProviderStats#minus}).
     */
    public StatsSnapshot delta(StatsSnapshot earlier) {
        Map<EndpointId, EndpointStats> eps = new TreeMap<>();
        endpoints.forEach((id, now) -> eps.put(id, now.minus(earlier.endpoints.getOrDefault(id, EndpointStats.zero(id)))));
        Map<RuleRef, RuleStats> rs = new TreeMap<>();
        rules.forEach((ref, now) -> rs.put(ref, now.minus(earlier.rules.getOrDefault(ref, new RuleStats(ref, now.action(), 0)))));
        Map<String, ProviderStats> ext = new TreeMap<>();
        extensions.forEach((name, now) -> ext.put(name, now.minus(earlier.extensions.getOrDefault(name, ProviderStats.empty()))));
        return new StatsSnapshot(takenAt, eps, rs, ext);
    }
}
