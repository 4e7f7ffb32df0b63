package dev.uniplane.provider.vpp.internal.wire;

import java.util.Objects;

/**
 * One VPP API message in one version: its name and the CRC of its definition (from the .api.json files). VPP's
 * message table is keyed by {@code name_crc}; the id behind it changes from run to run, the CRC only when the
 * definition changes, so a client looks ids up by {@link #key()} and treats a different CRC as a different message.
 *
 * @param name the message name, e.g. {@code sw_interface_dump}
 * @param crc  the definition's CRC as 8 lower-case hex digits, e.g. {@code aa610c27}
 */
public record MessageType(String name, String crc) {
    /** Checks the name is set and the CRC is 8 hex digits. */
    public MessageType {
        Objects.requireNonNull(name, "name");
        if (crc == null || !crc.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("crc of " + name + " must be 8 lower-case hex digits: " + crc);
        }
    }

    /** The key of VPP's message table: {@code name_crc}. */
    public String key() {
        return name + "_" + crc;
    }

    @Override
    public String toString() {
        return key();
    }
}
