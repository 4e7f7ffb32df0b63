package dev.uniplane.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The complete policy of a dataplane. {@link Dataplane#applyPolicies} replaces the whole set atomically. */
public record PolicySet(List<Policy> policies) {
    private static final PolicySet EMPTY = new PolicySet(List.of());

    public PolicySet {
        policies = Check.list("policies", policies);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < policies.size(); i++) {
            Integer first = seen.putIfAbsent(policies.get(i).name(), i);
            if (first != null) {
                throw new InvalidSpecException("policies[" + i + "].name", policies.get(i).name(),
                        "duplicate policy name (also policies[" + first + "])");
            }
        }
    }

    public static PolicySet empty() {
        return EMPTY;
    }

    public static PolicySet of(Policy... policies) {
        return new PolicySet(List.of(policies));
    }

    public Optional<Policy> policy(String name) {
        return policies.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Total number of rules over all policies and directions (what backends size their tables by). */
    public int ruleCount() {
        int n = 0;
        for (Policy p : policies) {
            n += p.rules(Direction.INGRESS).map(List::size).orElse(0) + p.rules(Direction.EGRESS).map(List::size).orElse(0);
        }
        return n;
    }
}
