package dev.uniplane.api;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A named policy: the local endpoints it selects and, per direction, an optional rule list. Having a list for a
 * direction (even an empty one, or one with only DENY rules) isolates the selected endpoints in that direction;
 * {@code null} means the policy says nothing about it.
 *
 * @param name     unique within a {@link PolicySet}
 * @param selector selects local endpoints only (remote endpoints are matched as peers, never selected)
 * @param ingress  rules for traffic arriving at the selected endpoints, or {@code null}
 * @param egress   rules for traffic leaving them, or {@code null}
 */
public record Policy(String name, LabelSelector selector, List<Rule> ingress, List<Rule> egress) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    public Policy {
        Check.notNull("name", name);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidSpecException("name", name, "policy name must be 1-253 characters of [A-Za-z0-9._-], starting alphanumeric");
        }
        Check.notNull("selector", selector);
        ingress = ingress == null ? null : Check.list("ingress", ingress);
        egress = egress == null ? null : Check.list("egress", egress);
        if (ingress == null && egress == null) {
            throw new InvalidSpecException("ingress", null, "policy " + name + " has neither ingress nor egress rules (it would do nothing)");
        }
    }

    /** The rule list for a direction, empty when the policy does not speak to it. */
    public Optional<List<Rule>> rules(Direction direction) {
        return Optional.ofNullable(direction == Direction.INGRESS ? ingress : egress);
    }

    public boolean isolates(Direction direction) {
        return rules(direction).isPresent();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Fluent construction; selects everything unless {@link #selector} is set. */
    public static final class Builder {
        private final String name;
        private LabelSelector selector = LabelSelector.all();
        private List<Rule> ingress;
        private List<Rule> egress;

        private Builder(String name) {
            this.name = name;
        }

        public Builder selector(LabelSelector selector) {
            this.selector = selector;
            return this;
        }

        public Builder selectLabels(String... keyValues) {
            this.selector = LabelSelector.matchLabels(keyValues);
            return this;
        }

        public Builder ingress(Rule... rules) {
            this.ingress = List.of(rules);
            return this;
        }

        public Builder egress(Rule... rules) {
            this.egress = List.of(rules);
            return this;
        }

        public Policy build() {
            return new Policy(name, selector, ingress, egress);
        }
    }
}
