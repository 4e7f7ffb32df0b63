package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The local replica of the monitored tables, kept current by {@code update2} notifications (RFC 7047bis). It applies
 * {@code initial}/{@code insert} rows (filling the columns the server omits because they hold their default),
 * {@code modify} diffs (symmetric difference for sets, changed keys for maps, the new value for scalars) and
 * {@code delete}. Threads can wait for a condition on it. Thread-safe.
 */
public final class OvsdbCache {
    private final OvsdbSchema schema;
    private final Map<String, List<String>> monitoredColumns;
    private final Map<String, Map<UUID, Row>> tables = new HashMap<>();
    private long updates;

    /** A cache for the given tables and columns of {@code schema}. */
    public OvsdbCache(OvsdbSchema schema, Map<String, List<String>> monitoredColumns) {
        this.schema = schema;
        this.monitoredColumns = Map.copyOf(monitoredColumns);
        monitoredColumns.keySet().forEach(t -> tables.put(t, new LinkedHashMap<>()));
    }

    /** Applies a {@code table-updates2} object (the monitor_cond reply or an update2 notification's second param). */
    public synchronized void applyUpdate2(JsonNode tableUpdates) {
        tableUpdates.properties().forEach(table -> {
            Map<UUID, Row> rows = tables.computeIfAbsent(table.getKey(), t -> new LinkedHashMap<>());
            table.getValue().properties().forEach(rowUpdate -> {
                UUID uuid = UUID.fromString(rowUpdate.getKey());
                rowUpdate.getValue().properties().forEach(change -> {
                    switch (change.getKey()) {
                        case "initial", "insert" -> rows.put(uuid, fullRow(table.getKey(), uuid, change.getValue()));
                        case "modify" -> {
                            Row old = rows.get(uuid);
                            Row base = old != null ? old : fullRow(table.getKey(), uuid, OvsdbJson.NODES.objectNode());
                            rows.put(uuid, modified(base, change.getValue()));
                        }
                        case "delete" -> rows.remove(uuid);
                        default -> throw new IllegalArgumentException("unknown update2 kind " + change.getKey());
                    }
                });
            });
        });
        updates++;
        notifyAll();
    }

    private Row fullRow(String table, UUID uuid, JsonNode sent) {
        Map<String, Object> columns = new LinkedHashMap<>();
        for (String column : monitoredColumns.getOrDefault(table, List.of())) {
            schema.column(table, column).ifPresent(type -> columns.put(column, type.defaultValue()));
        }
        sent.properties().forEach(c -> columns.put(c.getKey(), decode(table, c.getKey(), c.getValue())));
        return new Row(table, uuid, columns);
    }

    private Row modified(Row old, JsonNode diff) {
        Map<String, Object> columns = new LinkedHashMap<>(old.columns());
        diff.properties().forEach(c -> {
            ColumnType type = type(old.table(), c.getKey());
            Object current = columns.getOrDefault(c.getKey(), type.defaultValue());
            columns.put(c.getKey(), switch (type.kind()) {
                case SCALAR -> OvsdbJson.decodeAtom(c.getValue());
                case SET -> xor(asSet(current), decodeSet(c.getValue()));
                case MAP -> mapDiff(asMap(current), decodeMap(c.getValue()));
            });
        });
        return new Row(old.table(), old.uuid(), columns);
    }

    private static Set<Object> xor(Set<Object> current, Set<Object> diff) {
        Set<Object> out = new LinkedHashSet<>(current);
        for (Object element : diff) {
            if (!out.remove(element)) {
                out.add(element);
            }
        }
        return Set.copyOf(out);
    }

    /** A key absent before is added; a key with the same value is removed; a key with another value is replaced. */
    private static Map<Object, Object> mapDiff(Map<Object, Object> current, Map<Object, Object> diff) {
        Map<Object, Object> out = new LinkedHashMap<>(current);
        diff.forEach((k, v) -> {
            if (v.equals(out.get(k))) {
                out.remove(k);
            } else {
                out.put(k, v);
            }
        });
        return Map.copyOf(out);
    }

    private ColumnType type(String table, String column) {
        return schema.column(table, column).orElseThrow(
                () -> new IllegalArgumentException("column " + table + "." + column + " is not in schema " + schema.name()));
    }

    private Object decode(String table, String column, JsonNode value) {
        return switch (type(table, column).kind()) {
            case SCALAR -> OvsdbJson.decodeAtom(value);
            case SET -> decodeSet(value);
            case MAP -> decodeMap(value);
        };
    }

    private static Set<Object> decodeSet(JsonNode value) {
        Set<Object> out = new LinkedHashSet<>();
        OvsdbJson.setElements(value).forEach(a -> out.add(OvsdbJson.decodeAtom(a)));
        return Set.copyOf(out);
    }

    private static Map<Object, Object> decodeMap(JsonNode value) {
        Map<Object, Object> out = new LinkedHashMap<>();
        OvsdbJson.mapEntries(value).forEach((k, v) -> out.put(OvsdbJson.decodeAtom(k), OvsdbJson.decodeAtom(v)));
        return Map.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> asSet(Object value) {
        return value instanceof Set<?> s ? (Set<Object>) s : Set.of(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object value) {
        return value instanceof Map<?, ?> m ? (Map<Object, Object>) m : Map.of();
    }

    /** Every cached row of a table. */
    public synchronized List<Row> rows(String table) {
        return List.copyOf(tables.getOrDefault(table, Map.of()).values());
    }

    /** A row by uuid. */
    public synchronized Optional<Row> row(String table, UUID uuid) {
        return Optional.ofNullable(tables.getOrDefault(table, Map.of()).get(uuid));
    }

    /** The first row of {@code table} whose {@code name} column equals {@code name}. */
    public synchronized Optional<Row> rowNamed(String table, String name) {
        return tables.getOrDefault(table, Map.of()).values().stream().filter(r -> name.equals(r.string("name"))).findFirst();
    }

    /** The single Open_vSwitch root row, if the database has one. */
    public synchronized Optional<Row> root() {
        return tables.getOrDefault("Open_vSwitch", Map.of()).values().stream().findFirst();
    }

    /** How many updates were applied (for tests and diagnostics). */
    public synchronized long updateCount() {
        return updates;
    }

    /** Waits until {@code condition} holds on this cache; returns false on timeout. */
    public synchronized boolean await(Predicate<OvsdbCache> condition, Duration timeout, Supplier<Boolean> stillAlive)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !stillAlive.get()) {
                return false;
            }
            // Bounded waits, so that a lost connection (which never notifies) is noticed.
            wait(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
        return true;
    }
}
