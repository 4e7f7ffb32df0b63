package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The OVSDB value encodings of RFC 7047 section 5.1: {@code ["uuid",..]}, {@code ["named-uuid",..]},
 * {@code ["set",[..]]} and {@code ["map",[[k,v],..]]}. A set with exactly one element travels bare, in both directions
 * (ovsdb-server sends {@code "ofport":77} and {@code "ports":["uuid",X]}); the decoders accept both forms.
 */
public final class OvsdbJson {
    /** The shared, thread-safe mapper (its configuration is never changed after this point). */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OvsdbJson() {
    }

    /** {@code ["uuid","<uuid>"]}. */
    public static ArrayNode uuid(UUID uuid) {
        return NODES.arrayNode().add("uuid").add(uuid.toString());
    }

    /** {@code ["named-uuid","<name>"]}: a row inserted earlier in the same transaction under {@code uuid-name}. */
    public static ArrayNode namedUuid(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("uuid-name must be an identifier: " + name);
        }
        return NODES.arrayNode().add("named-uuid").add(name);
    }

    /** {@code ["set",[...]]} of already encoded atoms (always the explicit form; the server accepts it for any size). */
    public static ArrayNode set(Collection<? extends JsonNode> atoms) {
        ArrayNode elements = NODES.arrayNode();
        atoms.forEach(elements::add);
        return NODES.arrayNode().add("set").add(elements);
    }

    /** {@code ["map",[[k,v],...]]} of string keys and values. */
    public static ArrayNode map(Map<String, String> entries) {
        ArrayNode pairs = NODES.arrayNode();
        entries.forEach((k, v) -> pairs.add(NODES.arrayNode().add(k).add(v)));
        return NODES.arrayNode().add("map").add(pairs);
    }

    /** Encodes a Java atom: String, Long/Integer, Boolean, Double, UUID. */
    public static JsonNode atom(Object value) {
        return switch (value) {
            case String s -> NODES.textNode(s);
            case Long l -> NODES.numberNode(l);
            case Integer i -> NODES.numberNode(i.longValue());
            case Boolean b -> NODES.booleanNode(b);
            case Double d -> NODES.numberNode(d);
            case UUID u -> uuid(u);
            case JsonNode n -> n;
            default -> throw new IllegalArgumentException("not an OVSDB atom: " + value.getClass().getName());
        };
    }

    /** True for {@code ["set",[..]]}. */
    static boolean isSet(JsonNode node) {
        return node.isArray() && node.size() == 2 && "set".equals(node.get(0).asText()) && node.get(1).isArray();
    }

    /** True for {@code ["map",[..]]}. */
    static boolean isMap(JsonNode node) {
        return node.isArray() && node.size() == 2 && "map".equals(node.get(0).asText()) && node.get(1).isArray();
    }

    /** The elements of a set value, accepting the bare 1-element form. */
    public static List<JsonNode> setElements(JsonNode node) {
        if (isSet(node)) {
            List<JsonNode> out = new ArrayList<>();
            node.get(1).forEach(out::add);
            return out;
        }
        return List.of(node);
    }

    /** The pairs of a map value (keys and values still encoded). */
    public static Map<JsonNode, JsonNode> mapEntries(JsonNode node) {
        if (!isMap(node)) {
            throw new IllegalArgumentException("not an OVSDB map: " + node);
        }
        Map<JsonNode, JsonNode> out = new LinkedHashMap<>();
        node.get(1).forEach(pair -> out.put(pair.get(0), pair.get(1)));
        return out;
    }

    /** Decodes one atom: {@code ["uuid",..]} to UUID, integers to Long, reals to Double, strings, booleans. */
    public static Object decodeAtom(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isArray() && node.size() == 2 && "uuid".equals(node.get(0).asText())) {
            return UUID.fromString(node.get(1).asText());
        }
        throw new IllegalArgumentException("not an OVSDB atom: " + node);
    }
}
