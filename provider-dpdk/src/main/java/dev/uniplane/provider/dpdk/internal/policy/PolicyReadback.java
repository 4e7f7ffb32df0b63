package dev.uniplane.provider.dpdk.internal.policy;

import dev.uniplane.api.Direction;
import dev.uniplane.api.RuleRef;
import java.util.Set;
import java.util.TreeSet;

/** Read-only access to a {@link CompiledPolicy} in force, for the backend inspector. */
public final class PolicyReadback {
    private final CompiledPolicy policy;

    public PolicyReadback(CompiledPolicy policy) {
        this.policy = policy;
    }

    /** Whether a policy isolates the endpoint in {@code slot} in this direction ({@link CompiledPolicy#INGRESS}/EGRESS). */
    public boolean isolated(int slot, int direction) {
        int list = slot * 2 + direction;
        return list < policy.isolated.length && policy.isolated[list];
    }

    /** How many rules the endpoint in {@code slot} is checked against in this direction. */
    public int rules(int slot, int direction) {
        int list = slot * 2 + direction;
        return list < policy.listLength.length ? policy.listLength[list] : 0;
    }

    /** The rules on some endpoint's list (each has a counter slot), as the API names them. */
    public Set<RuleRef> rulesInForce() {
        Set<Integer> used = new java.util.HashSet<>();
        for (int list = 0; list < policy.listLength.length; list++) {
            for (int i = policy.listStart[list]; i < policy.listStart[list] + policy.listLength[list]; i++) {
                used.add(policy.lists[i]);
            }
        }
        Set<RuleRef> out = new TreeSet<>();
        for (int rule : used) {
            out.add(new RuleRef(policy.policy(rule), policy.direction(rule) == CompiledPolicy.INGRESS ? Direction.INGRESS : Direction.EGRESS,
                    policy.index(rule)));
        }
        return out;
    }
}
