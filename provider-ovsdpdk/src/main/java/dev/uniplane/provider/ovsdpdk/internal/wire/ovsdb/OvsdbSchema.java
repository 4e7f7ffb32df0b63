package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The parts of a {@code get_schema} reply the client needs: name, version and every column's {@link ColumnType}. */
public record OvsdbSchema(String name, String version, Map<String, Map<String, ColumnType>> tables) {
    public OvsdbSchema {
        tables = Map.copyOf(tables);
    }

    /** Parses a {@code get_schema} result. */
    public static OvsdbSchema parse(JsonNode schema) {
        Map<String, Map<String, ColumnType>> tables = new LinkedHashMap<>();
        schema.path("tables").properties().forEach(table -> {
            Map<String, ColumnType> columns = new LinkedHashMap<>();
            table.getValue().path("columns").properties()
                    .forEach(c -> columns.put(c.getKey(), ColumnType.parse(c.getValue().path("type"))));
            // Every table has these two implicit columns.
            columns.put("_uuid", new ColumnType(ColumnType.Kind.SCALAR, "uuid", null));
            columns.put("_version", new ColumnType(ColumnType.Kind.SCALAR, "uuid", null));
            tables.put(table.getKey(), Map.copyOf(columns));
        });
        return new OvsdbSchema(schema.path("name").asText(), schema.path("version").asText(), tables);
    }

    /** The column's type, if the table and column exist. */
    public Optional<ColumnType> column(String table, String column) {
        return Optional.ofNullable(tables.getOrDefault(table, Map.of()).get(column));
    }
}
