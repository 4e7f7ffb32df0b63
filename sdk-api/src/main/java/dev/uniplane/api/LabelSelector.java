package dev.uniplane.api;

import java.util.List;
import java.util.Map;

/**
 * Selects endpoints by labels: every {@code matchLabels} pair and every requirement must hold.
 * The empty selector ({@link #all()}) selects every endpoint.
 */
public record LabelSelector(Labels matchLabels, List<LabelRequirement> matchExpressions) {

    private static final LabelSelector ALL = new LabelSelector(Labels.of(), List.of());

    public LabelSelector {
        Check.notNull("matchLabels", matchLabels);
        matchExpressions = Check.list("matchExpressions", matchExpressions);
    }

    /** Selects everything. */
    public static LabelSelector all() {
        return ALL;
    }

    public static LabelSelector matchLabels(String... keyValues) {
        return new LabelSelector(Labels.of(keyValues), List.of());
    }

    public static LabelSelector of(Map<String, String> matchLabels, LabelRequirement... expressions) {
        return new LabelSelector(Labels.of(matchLabels), List.of(expressions));
    }

    public static LabelSelector of(LabelRequirement... expressions) {
        return new LabelSelector(Labels.of(), List.of(expressions));
    }

    public boolean isEmpty() {
        return matchLabels.values().isEmpty() && matchExpressions.isEmpty();
    }

    public boolean matches(Labels labels) {
        for (Map.Entry<String, String> e : matchLabels.values().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelRequirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
