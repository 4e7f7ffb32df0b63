package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One cached row: column values decoded by their schema type. Scalars are String, Long, Double, Boolean or UUID; sets
 * are {@code Set<Object>}; maps are {@code Map<Object, Object>}. Immutable.
 */
public record Row(String table, UUID uuid, Map<String, Object> columns) {
    public Row {
        columns = Map.copyOf(columns);
    }

    /** A string scalar ("" when absent). */
    public String string(String column) {
        return columns.get(column) instanceof String s ? s : "";
    }

    /** An integer scalar (0 when absent). */
    public long integer(String column) {
        return columns.get(column) instanceof Long l ? l : 0L;
    }

    /** A boolean scalar (false when absent). */
    public boolean bool(String column) {
        return columns.get(column) instanceof Boolean b && b;
    }

    /** An optional integer (a 0..1 set, such as {@code Interface.ofport}). */
    public OptionalLong optionalInteger(String column) {
        return set(column).stream().filter(Long.class::isInstance).mapToLong(Long.class::cast).findFirst();
    }

    /** An optional string (a 0..1 set, such as {@code Interface.error}); "" when empty. */
    public String optionalString(String column) {
        return set(column).stream().filter(String.class::isInstance).map(String.class::cast).findFirst().orElse("");
    }

    /** A set column's elements (a scalar reads as a 1-element set). */
    public Set<Object> set(String column) {
        Object value = columns.get(column);
        if (value instanceof Set<?> s) {
            return Set.copyOf(s);
        }
        return value == null ? Set.of() : Set.of(value);
    }

    /** A set-of-uuid column, such as {@code Bridge.ports}. */
    public Set<UUID> uuids(String column) {
        return set(column).stream().filter(UUID.class::isInstance).map(UUID.class::cast).collect(Collectors.toUnmodifiableSet());
    }

    /** A string-to-string map column, such as {@code external_ids} or {@code options}. */
    public Map<String, String> stringMap(String column) {
        Map<String, String> out = new LinkedHashMap<>();
        if (columns.get(column) instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }
}
