package dev.uniplane.tck.model;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The model's counters: per endpoint (from attach) and per rule (from the apply that introduced its policy). */
final class ModelCounters {
    private final Map<EndpointId, EndpointCounters> endpoints = new TreeMap<>();
    private final Map<RuleRef, Long> rules = new HashMap<>();

    /** Mutable counters of one endpoint. */
    private static final class EndpointCounters {
        long rxPackets;
        long rxBytes;
        long txPackets;
        long txBytes;
        final EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    }

    void attached(EndpointId id) {
        endpoints.putIfAbsent(id, new EndpointCounters());
    }

    void detached(EndpointId id) {
        endpoints.remove(id);
    }

    void transmitted(EndpointId id, int bytes) {
        EndpointCounters c = endpoints.get(id);
        c.txPackets++;
        c.txBytes += bytes;
    }

    void received(EndpointId id, int bytes) {
        EndpointCounters c = endpoints.get(id);
        c.rxPackets++;
        c.rxBytes += bytes;
    }

    void dropped(EndpointId id, DropReason reason) {
        endpoints.get(id).drops.merge(reason, 1L, Long::sum);
    }

    void ruleDecided(RuleRef rule) {
        rules.merge(rule, 1L, Long::sum);
    }

    /** Keeps the counters of rules whose policy is unchanged (equal) in {@code next}; the others restart at zero. */
    void policiesReplaced(PolicySet previous, PolicySet next) {
        rules.keySet().removeIf(ref -> {
            var before = previous.policy(ref.policy());
            return before.isEmpty() || !before.equals(next.policy(ref.policy()));
        });
    }

    StatsSnapshot snapshot(Instant takenAt, PolicySet policies) {
        Map<EndpointId, EndpointStats> eps = new TreeMap<>();
        endpoints.forEach((id, c) -> eps.put(id,
                new EndpointStats(id, c.rxPackets, c.rxBytes, c.txPackets, c.txBytes, c.drops)));
        Map<RuleRef, RuleStats> rs = new TreeMap<>();
        for (Policy policy : policies.policies()) {
            for (Direction direction : Direction.values()) {
                List<Rule> list = policy.rules(direction).orElse(List.of());
                for (int i = 0; i < list.size(); i++) {
                    RuleRef ref = new RuleRef(policy.name(), direction, i);
                    Action action = list.get(i).action();
                    rs.put(ref, new RuleStats(ref, action, rules.getOrDefault(ref, 0L)));
                }
            }
        }
        return new StatsSnapshot(takenAt, eps, rs);
    }
}
