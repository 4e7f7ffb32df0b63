package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The captured ovsdb-server byte stream (see resources/captured/README.md) and a schema subset that fits it. */
final class CapturedSession {
    /** The columns of the real vswitch.ovsschema 8.3.1 that the capture uses, with their real types. */
    static final String SCHEMA = """
            {"name":"Open_vSwitch","version":"8.3.1","tables":{
              "Open_vSwitch":{"columns":{"cur_cfg":{"type":"integer"},"next_cfg":{"type":"integer"},
                 "bridges":{"type":{"key":{"type":"uuid","refTable":"Bridge"},"min":0,"max":"unlimited"}},
                 "dpdk_initialized":{"type":"boolean"},
                 "dpdk_version":{"type":{"key":{"type":"string"},"min":0,"max":1}},
                 "other_config":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}},
              "Bridge":{"columns":{"name":{"type":"string","mutable":false},
                 "ports":{"type":{"key":{"type":"uuid","refTable":"Port"},"min":0,"max":"unlimited"}},
                 "datapath_type":{"type":"string"},
                 "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}},
              "Port":{"columns":{"name":{"type":"string","mutable":false},
                 "interfaces":{"type":{"key":{"type":"uuid","refTable":"Interface"},"min":1,"max":"unlimited"}}}},
              "Interface":{"columns":{"name":{"type":"string","mutable":false},"type":{"type":"string"},
                 "ofport":{"type":{"key":"integer","min":0,"max":1}},
                 "error":{"type":{"key":"string","min":0,"max":1}},
                 "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}}}}
            """;

    private CapturedSession() {
    }

    static byte[] bytes() throws IOException {
        try (InputStream in = CapturedSession.class.getResourceAsStream("/captured/ovsdb-session.bin")) {
            return in.readAllBytes();
        }
    }

    static List<JsonNode> messages() throws IOException {
        byte[] bytes = bytes();
        List<JsonNode> out = new ArrayList<>();
        for (byte[] text : new JsonSplitter().feed(bytes, 0, bytes.length)) {
            out.add(OvsdbJson.MAPPER.readTree(text));
        }
        return out;
    }

    static OvsdbSchema schema() throws IOException {
        return OvsdbSchema.parse(OvsdbJson.MAPPER.readTree(SCHEMA));
    }
}
