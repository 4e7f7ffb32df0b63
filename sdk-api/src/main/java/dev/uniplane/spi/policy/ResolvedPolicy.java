package dev.uniplane.spi.policy;

import dev.uniplane.api.Direction;
import dev.uniplane.api.RuleRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A policy set resolved against the local and remote endpoints: what an encoder needs and nothing of the datapath.
 *
 * @param rules     every rule of the set in {@link RuleRef} order; {@code rules.get(i).id() == i}
 * @param endpoints the local endpoints in the order given, each with its rules per direction
 * @param selected  per policy name, the local endpoints its selector selects, in the order given
 */
public record ResolvedPolicy(List<ResolvedRule> rules, List<ResolvedEndpoint> endpoints,
                             Map<String, List<PolicyEndpoint>> selected) {

    /** Copies the lists and the map (keeping its order). */
    public ResolvedPolicy {
        rules = List.copyOf(rules);
        endpoints = List.copyOf(endpoints);
        Map<String, List<PolicyEndpoint>> copy = new LinkedHashMap<>();
        selected.forEach((name, list) -> copy.put(name, List.copyOf(list)));
        selected = java.util.Collections.unmodifiableMap(copy);
    }

    /** The resolved rule {@code ref}, if the set has it. */
    public Optional<ResolvedRule> rule(RuleRef ref) {
        int i = java.util.Collections.binarySearch(rules.stream().map(ResolvedRule::ref).toList(), ref);
        return i < 0 ? Optional.empty() : Optional.of(rules.get(i));
    }

    /** The local endpoints the policy of {@code rule} selects (whatever the direction), in the order given. */
    public List<PolicyEndpoint> selectedBy(ResolvedRule rule) {
        return selected.getOrDefault(rule.ref().policy(), List.of());
    }

    /** The rules at the local endpoint with this index in one direction; open (not isolated) for an unknown index. */
    public EndpointRules at(int endpointIndex, Direction direction) {
        for (ResolvedEndpoint e : endpoints) {
            if (e.endpoint().index() == endpointIndex) {
                return e.rules(direction);
            }
        }
        return EndpointRules.OPEN;
    }
}
