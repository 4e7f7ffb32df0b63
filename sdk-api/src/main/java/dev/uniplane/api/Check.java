package dev.uniplane.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/** Validation helpers shared by the model records; every failure names the field and the value. */
final class Check {
    private Check() {
    }

    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new InvalidSpecException(field, null, "must not be null");
        }
        return value;
    }

    static String notBlank(String field, String value) {
        notNull(field, value);
        if (value.isBlank()) {
            throw new InvalidSpecException(field, value, "must not be blank");
        }
        return value;
    }

    static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidSpecException(field, value, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** Copies a list, rejecting null elements and reporting element errors under {@code field[i]}. */
    static <T> List<T> list(String field, Collection<T> values, Consumer<T> elementCheck) {
        notNull(field, values);
        List<T> copy = new ArrayList<>(values.size());
        int i = 0;
        for (T value : values) {
            String element = field + "[" + i + "]";
            notNull(element, value);
            try {
                elementCheck.accept(value);
            } catch (InvalidSpecException e) {
                throw e.within(element);
            }
            copy.add(value);
            i++;
        }
        return List.copyOf(copy);
    }

    static <T> List<T> list(String field, Collection<T> values) {
        return list(field, values, v -> { });
    }
}
