package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The type of one column as the schema declares it: a scalar ({@code min = max = 1}, no value type), a set (anything
 * else without a value type, including optional scalars such as {@code Interface.ofport}) or a map. The kind decides
 * how an {@code update2} diff applies (RFC 7047bis: sets travel as symmetric differences, maps as changed keys).
 */
public record ColumnType(Kind kind, String keyType, String valueType) {
    /** How values of the column are held and diffed. */
    public enum Kind { SCALAR, SET, MAP }

    static ColumnType parse(JsonNode type) {
        if (type.isTextual()) {
            return new ColumnType(Kind.SCALAR, type.textValue(), null);
        }
        String key = baseType(type.get("key"));
        JsonNode value = type.get("value");
        if (value != null) {
            return new ColumnType(Kind.MAP, key, baseType(value));
        }
        int min = type.path("min").asInt(1);
        JsonNode max = type.path("max");
        boolean single = min == 1 && (max.isMissingNode() || (max.isInt() && max.intValue() == 1));
        return new ColumnType(single ? Kind.SCALAR : Kind.SET, key, null);
    }

    private static String baseType(JsonNode base) {
        return base.isTextual() ? base.textValue() : base.path("type").asText();
    }

    /** The value of a column the server did not send (it omits columns that hold their default). */
    Object defaultValue() {
        return switch (kind) {
            case SET -> Set.of();
            case MAP -> Map.of();
            case SCALAR -> switch (keyType) {
                case "integer" -> 0L;
                case "real" -> 0.0;
                case "boolean" -> false;
                case "uuid" -> new UUID(0, 0);
                default -> "";
            };
        };
    }
}
