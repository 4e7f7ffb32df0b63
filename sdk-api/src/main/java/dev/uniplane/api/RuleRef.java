package dev.uniplane.api;

/** Names one rule: the policy, the direction and the rule's index in that direction's list. */
public record RuleRef(String policy, Direction direction, int index) implements Comparable<RuleRef> {

    public RuleRef {
        Check.notBlank("policy", policy);
        Check.notNull("direction", direction);
        Check.range("index", index, 0, Integer.MAX_VALUE);
    }

    @Override
    public int compareTo(RuleRef o) {
        int c = policy.compareTo(o.policy);
        if (c == 0) {
            c = direction.compareTo(o.direction);
        }
        return c != 0 ? c : Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
        return policy + "/" + direction.name().toLowerCase(java.util.Locale.ROOT) + "[" + index + "]";
    }
}
