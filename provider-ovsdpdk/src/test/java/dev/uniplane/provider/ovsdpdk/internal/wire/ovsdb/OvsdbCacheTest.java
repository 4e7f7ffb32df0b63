package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OvsdbCacheTest {
    private static final UUID ROOT = UUID.fromString("d211c2c7-db14-4a7d-be9b-86cd242d9646");
    private static final UUID BRIDGE = UUID.fromString("d0ce429e-684a-4979-8f82-2c5cba99459d");
    private static final UUID PORT = UUID.fromString("de4e68b3-e1ca-4899-8a29-dfa21767da02");
    private static final UUID IFACE = UUID.fromString("84ef7c96-a36e-45e3-9fe0-29d01d038535");

    private static OvsdbCache cacheFromCapture() throws Exception {
        OvsdbCache cache = new OvsdbCache(CapturedSession.schema(), OvsdbClient.MONITORED);
        for (JsonNode message : CapturedSession.messages()) {
            if (message.path("id").asLong() == 1) {
                cache.applyUpdate2(message.get("result"));
            } else if ("update2".equals(message.path("method").asText())) {
                cache.applyUpdate2(message.get("params").get(1));
            }
        }
        return cache;
    }

    private static JsonNode json(String text) throws Exception {
        return OvsdbJson.MAPPER.readTree(text);
    }

    @Test
    void capturedMonitorReplyAndUpdatesBuildTheBridgeAndVswitchdsStatus() throws Exception {
        OvsdbCache cache = cacheFromCapture();

        Row root = cache.root().orElseThrow();
        assertThat(root.uuid()).isEqualTo(ROOT);
        // The initial row was sent as {} (every column at its default): the defaults come from the schema.
        assertThat(root.integer("next_cfg")).isEqualTo(1);
        assertThat(root.integer("cur_cfg")).isEqualTo(1);
        assertThat(root.uuids("bridges")).containsExactly(BRIDGE);
        Rows.BridgeRow bridge = Rows.BridgeRow.of(cache.rowNamed("Bridge", "capbr").orElseThrow());
        assertThat(bridge.ports()).containsExactly(PORT);
        assertThat(bridge.datapathType()).isEqualTo("netdev");
        assertThat(cache.row("Port", PORT).orElseThrow().uuids("interfaces")).containsExactly(IFACE);
        Rows.InterfaceRow iface = Rows.InterfaceRow.of(cache.row("Interface", IFACE).orElseThrow());
        assertThat(iface.ofport()).hasValue(65534);
        assertThat(iface.error()).isEmpty();
        assertThat(cache.updateCount()).isEqualTo(3);
    }

    @Test
    void setDiffsAreSymmetricDifferences() throws Exception {
        OvsdbCache cache = cacheFromCapture();
        UUID second = UUID.randomUUID();
        String modify = "{\"Bridge\":{\"%s\":{\"modify\":{\"ports\":%s}}}}";

        cache.applyUpdate2(json(modify.formatted(BRIDGE, "[\"uuid\",\"" + second + "\"]")));
        assertThat(cache.row("Bridge", BRIDGE).orElseThrow().uuids("ports")).containsExactlyInAnyOrder(PORT, second);

        // Removing a port sends the same bare 1-element set as adding it.
        cache.applyUpdate2(json(modify.formatted(BRIDGE, "[\"uuid\",\"" + PORT + "\"]")));
        assertThat(cache.row("Bridge", BRIDGE).orElseThrow().uuids("ports")).containsExactly(second);

        cache.applyUpdate2(json(modify.formatted(BRIDGE, "[\"set\",[[\"uuid\",\"" + PORT + "\"],[\"uuid\",\"" + second + "\"]]]")));
        assertThat(cache.row("Bridge", BRIDGE).orElseThrow().uuids("ports")).containsExactly(PORT);
    }

    @Test
    void anOptionalScalarChangingValueTravelsAsATwoElementSet() throws Exception {
        OvsdbCache cache = cacheFromCapture();

        cache.applyUpdate2(json("{\"Interface\":{\"" + IFACE + "\":{\"modify\":{\"ofport\":[\"set\",[65534,7]]}}}}"));
        assertThat(Rows.InterfaceRow.of(cache.row("Interface", IFACE).orElseThrow()).ofport()).hasValue(7);

        cache.applyUpdate2(json("{\"Interface\":{\"" + IFACE + "\":{\"modify\":{\"ofport\":7,\"error\":\"boom\"}}}}"));
        Rows.InterfaceRow iface = Rows.InterfaceRow.of(cache.row("Interface", IFACE).orElseThrow());
        assertThat(iface.ofport()).isEmpty();
        assertThat(iface.error()).isEqualTo("boom");
    }

    @Test
    void mapDiffsAddReplaceAndRemoveKeys() throws Exception {
        OvsdbCache cache = cacheFromCapture();
        String modify = "{\"Bridge\":{\"" + BRIDGE + "\":{\"modify\":{\"external_ids\":[\"map\",%s]}}}}";

        cache.applyUpdate2(json(modify.formatted("[[\"owner\",\"uniplane\"],[\"gen\",\"1\"]]")));
        assertThat(cache.row("Bridge", BRIDGE).orElseThrow().stringMap("external_ids"))
                .isEqualTo(Map.of("owner", "uniplane", "gen", "1"));

        // Same value = removed; other value = replaced.
        cache.applyUpdate2(json(modify.formatted("[[\"owner\",\"uniplane\"],[\"gen\",\"2\"]]")));
        assertThat(cache.row("Bridge", BRIDGE).orElseThrow().stringMap("external_ids")).isEqualTo(Map.of("gen", "2"));
    }

    @Test
    void deleteRemovesTheRow() throws Exception {
        OvsdbCache cache = cacheFromCapture();

        cache.applyUpdate2(json("{\"Interface\":{\"" + IFACE + "\":{\"delete\":null}}}"));

        assertThat(cache.row("Interface", IFACE)).isEmpty();
        assertThat(cache.rows("Interface")).isEmpty();
        assertThat(cache.rows("Bridge")).hasSize(1);
    }

    @Test
    void schemaKindsFollowMinMaxAndValue() throws Exception {
        OvsdbSchema schema = CapturedSession.schema();

        assertThat(schema.column("Interface", "ofport").orElseThrow().kind()).isEqualTo(ColumnType.Kind.SET);
        assertThat(schema.column("Port", "interfaces").orElseThrow().kind()).isEqualTo(ColumnType.Kind.SET);
        assertThat(schema.column("Bridge", "external_ids").orElseThrow().kind()).isEqualTo(ColumnType.Kind.MAP);
        assertThat(schema.column("Bridge", "name").orElseThrow().kind()).isEqualTo(ColumnType.Kind.SCALAR);
        assertThat(schema.column("Bridge", "nothing")).isEmpty();
        assertThat(List.of(schema.name(), schema.version())).containsExactly("Open_vSwitch", "8.3.1");
    }
}
