package dev.uniplane.api;

import java.util.Set;
import java.util.TreeSet;

/** One match expression of a {@link LabelSelector}. */
public record LabelRequirement(String key, Operator operator, Set<String> values) {

    /** Set-based operators, as in Kubernetes. */
    public enum Operator {
        /** The key is present and its value is one of {@code values}. */
        IN,
        /** The key is absent, or its value is not one of {@code values}. */
        NOT_IN,
        /** The key is present (any value). */
        EXISTS,
        /** The key is absent. */
        DOES_NOT_EXIST
    }

    public LabelRequirement {
        Labels.validateKey("key", key);
        Check.notNull("operator", operator);
        Check.notNull("values", values);
        TreeSet<String> sorted = new TreeSet<>();
        for (String v : values) {
            sorted.add(Labels.validateValue("values", v));
        }
        boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
        if (needsValues && sorted.isEmpty()) {
            throw new InvalidSpecException("values", "[]", operator + " needs at least one value");
        }
        if (!needsValues && !sorted.isEmpty()) {
            throw new InvalidSpecException("values", sorted, operator + " takes no values");
        }
        values = java.util.Collections.unmodifiableSortedSet(sorted);
    }

    public static LabelRequirement in(String key, String... values) {
        return new LabelRequirement(key, Operator.IN, Set.of(values));
    }

    public static LabelRequirement notIn(String key, String... values) {
        return new LabelRequirement(key, Operator.NOT_IN, Set.of(values));
    }

    public static LabelRequirement exists(String key) {
        return new LabelRequirement(key, Operator.EXISTS, Set.of());
    }

    public static LabelRequirement doesNotExist(String key) {
        return new LabelRequirement(key, Operator.DOES_NOT_EXIST, Set.of());
    }

    public boolean matches(Labels labels) {
        String value = labels.get(key);
        return switch (operator) {
            case IN -> value != null && values.contains(value);
            case NOT_IN -> value == null || !values.contains(value);
            case EXISTS -> value != null;
            case DOES_NOT_EXIST -> value == null;
        };
    }
}
