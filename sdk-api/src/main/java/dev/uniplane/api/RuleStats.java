package dev.uniplane.api;

/** How many new-flow packets a rule decided (its verdict is the rule's {@code action}). */
public record RuleStats(RuleRef rule, Action action, long packets) {

    public RuleStats {
        Check.notNull("rule", rule);
        Check.notNull("action", action);
    }

    public RuleStats minus(RuleStats earlier) {
        return new RuleStats(rule, action, packets - earlier.packets);
    }
}
