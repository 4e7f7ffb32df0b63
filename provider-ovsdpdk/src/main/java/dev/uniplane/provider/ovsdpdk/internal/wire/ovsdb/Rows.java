package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/** Typed views of the cached rows the provider works with. */
public final class Rows {
    private Rows() {
    }

    /** A {@code Bridge} row. */
    public record BridgeRow(UUID uuid, String name, String datapathType, Set<UUID> ports, Map<String, String> externalIds) {
        static BridgeRow of(Row r) {
            return new BridgeRow(r.uuid(), r.string("name"), r.string("datapath_type"), r.uuids("ports"),
                    r.stringMap("external_ids"));
        }
    }

    /** A {@code Port} row. */
    public record PortRow(UUID uuid, String name, Set<UUID> interfaces, Map<String, String> externalIds) {
        static PortRow of(Row r) {
            return new PortRow(r.uuid(), r.string("name"), r.uuids("interfaces"), r.stringMap("external_ids"));
        }
    }

    /**
     * An {@code Interface} row. {@code ofport} is empty until vswitchd assigned one and -1 when the port failed;
     * {@code error} is "" unless vswitchd could not configure it (e.g. bad {@code dpdk-devargs}).
     */
    public record InterfaceRow(UUID uuid, String name, String type, OptionalLong ofport, String error,
                               Map<String, String> options, Map<String, String> externalIds, String linkState) {
        static InterfaceRow of(Row r) {
            return new InterfaceRow(r.uuid(), r.string("name"), r.string("type"), r.optionalInteger("ofport"),
                    r.optionalString("error"), r.stringMap("options"), r.stringMap("external_ids"),
                    r.optionalString("link_state"));
        }

        /** True once vswitchd assigned a real OpenFlow port number. */
        public boolean hasOfport() {
            return ofport.isPresent() && ofport.getAsLong() > 0;
        }
    }
}
