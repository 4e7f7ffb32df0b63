package dev.uniplane.linux;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A link-layer address (usually 6 bytes), compared by content and printed as {@code aa:bb:cc:dd:ee:ff}.
 *
 * @param bytes the address bytes (copied)
 */
public record MacAddress(byte[] bytes) {
    private static final HexFormat HEX = HexFormat.ofDelimiter(":");

    public MacAddress {
        bytes = bytes.clone();
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff}. */
    public static MacAddress parse(String text) {
        return new MacAddress(HEX.parseHex(text));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
