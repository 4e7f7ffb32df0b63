package dev.uniplane.provider.vpp.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.tck.RequireAll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hand-written codecs against VPP's own message definitions (share/vpp/api/**&#47;*.api.json of the VPP 26.06
 * install): every CRC we pin is the definition's CRC, every request's fixed part has the size the definition gives,
 * and every reply we decode can be decoded from a message of exactly its defined size (no read past its end).
 */
class ApiJsonLayoutTest {
    private static final Map<String, JsonNode> MESSAGES = new HashMap<>();
    private static final Map<String, JsonNode> TYPES = new HashMap<>();
    private static final Map<String, JsonNode> UNIONS = new HashMap<>();
    private static final Map<String, Integer> ENUM_SIZES = new HashMap<>();
    private static final Map<String, JsonNode> ALIASES = new HashMap<>();

    @BeforeAll
    static void loadDefinitions() throws Exception {
        Optional<Path> api = Stream.of(System.getenv("UNIPLANE_VPP_HOME"), "/opt/uniplane/vpp-26.06")
                .filter(home -> home != null && !home.isEmpty()).map(home -> Path.of(home, "share/vpp/api"))
                .filter(Files::isDirectory).findFirst();
        RequireAll.prerequisite(api.isPresent(),
                "VPP's .api.json files: UNIPLANE_VPP_HOME or /opt/uniplane/vpp-26.06 (scripts/setup.sh)");
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.walk(api.get())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".api.json")).toList()) {
                JsonNode root = json.readTree(file.toFile());
                root.path("messages").forEach(m -> MESSAGES.put(m.get(0).asText(), m));
                root.path("types").forEach(t -> TYPES.put(t.get(0).asText(), t));
                root.path("unions").forEach(u -> UNIONS.put(u.get(0).asText(), u));
                for (String kind : new String[] {"enums", "enumflags"}) {
                    root.path(kind).forEach(e -> ENUM_SIZES.put(e.get(0).asText(),
                            baseSize(e.get(e.size() - 1).path("enumtype").asText("u32"))));
                }
                root.path("aliases").properties().forEach(a -> ALIASES.put(a.getKey(), a.getValue()));
            }
        }
    }

    private static Integer baseSize(String type) {
        return switch (type) {
            case "u8", "i8", "bool" -> 1;
            case "u16", "i16" -> 2;
            case "u32", "i32", "f32" -> 4;
            case "u64", "i64", "f64" -> 8;
            default -> null;
        };
    }

    /** Size of one value of {@code type} (a base type or {@code vl_api_X_t}). */
    private static int sizeOf(String type) {
        Integer base = baseSize(type);
        if (base != null) {
            return base;
        }
        String name = type.replaceFirst("^vl_api_", "").replaceFirst("_t$", "");
        if (ENUM_SIZES.containsKey(name)) {
            return ENUM_SIZES.get(name);
        }
        if (ALIASES.containsKey(name)) {
            JsonNode alias = ALIASES.get(name);
            return sizeOf(alias.get("type").asText()) * alias.path("length").asInt(1);
        }
        if (UNIONS.containsKey(name)) {
            int max = 0;
            for (JsonNode member : fields(UNIONS.get(name))) {
                max = Math.max(max, fieldSize(member));
            }
            return max;
        }
        if (TYPES.containsKey(name)) {
            return fixedSize(TYPES.get(name));
        }
        throw new AssertionError("unknown type " + type);
    }

    private static Iterable<JsonNode> fields(JsonNode definition) {
        java.util.List<JsonNode> fields = new java.util.ArrayList<>();
        for (int i = 1; i < definition.size(); i++) {
            if (definition.get(i).isArray()) {
                fields.add(definition.get(i));
            }
        }
        return fields;
    }

    /** A field's size with variable parts empty: {@code string x[]} is its u32 length, a VLA is nothing. */
    private static int fieldSize(JsonNode field) {
        String type = field.get(0).asText();
        boolean array = field.size() > 2 && field.get(2).isNumber();
        if (type.equals("string")) {
            return array && field.get(2).asInt() > 0 ? field.get(2).asInt() : 4;
        }
        if (!array) {
            return sizeOf(type);
        }
        int length = field.get(2).asInt();
        return length == 0 ? 0 : length * sizeOf(type);
    }

    private static int fixedSize(JsonNode definition) {
        int size = 0;
        for (JsonNode field : fields(definition)) {
            size += fieldSize(field);
        }
        return size;
    }

    private static JsonNode definition(MessageType type) {
        JsonNode message = MESSAGES.get(type.name());
        assertThat(message).as("definition of " + type.name()).isNotNull();
        return message;
    }

    @Test
    void everyPinnedCrcIsTheDefinitionsCrc() {
        for (MessageType type : Messages.all()) {
            JsonNode message = definition(type);
            assertThat(message.get(message.size() - 1).get("crc").asText()).as(type.name())
                    .isEqualTo("0x" + type.crc());
        }
    }

    @Test
    void everyRequestEncodesToItsDefinedFixedSize() {
        for (ApiRequest<?> request : Messages.sampleRequests()) {
            byte[] encoded = Messages.encode(1, 2, 3, request::encodeFields);
            assertThat(encoded).as(request.request().name()).hasSize(fixedSize(definition(request.request())));
        }
        ApiDump<?> dump = Messages.SwInterfaceDump.all();
        assertThat(Messages.encode(1, 2, 3, dump::encodeFields)).hasSize(fixedSize(definition(dump.request())));
    }

    @Test
    void everyReplyDecodesFromAMessageOfItsDefinedSize() {
        for (ApiRequest<?> request : Messages.sampleRequests()) {
            byte[] reply = new byte[fixedSize(definition(request.reply()))];
            assertThatCode(() -> {
                request.retval(new WireReader(reply));
                request.decodeReply(new WireReader(reply));
            }).as(request.reply().name()).doesNotThrowAnyException();
        }
        byte[] details = new byte[fixedSize(definition(Messages.SwInterfaceDump.all().details()))];
        assertThat(details).hasSize(295);
        assertThatCode(() -> Messages.SwInterfaceDump.all().decodeDetails(new WireReader(details)))
                .doesNotThrowAnyException();
        byte[] event = new byte[fixedSize(definition(Messages.SwInterfaceEvent.TYPE))];
        assertThat(event).hasSize(19);
        assertThatCode(() -> Messages.SwInterfaceEvent.decode(new WireReader(event))).doesNotThrowAnyException();
    }
}
