package dev.uniplane.api;

import java.util.HexFormat;

/** A 48-bit MAC address; {@link #toString()} is lower-case colon form. */
public record MacAddress(long value) {

    public MacAddress {
        if ((value >>> 48) != 0) {
            throw new InvalidSpecException("mac", Long.toHexString(value), "exceeds 48 bits");
        }
    }

    public static MacAddress parse(String text) {
        Check.notBlank("mac", text);
        if (!text.matches("[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}")) {
            throw new InvalidSpecException("mac", text, "not a MAC address (expected aa:bb:cc:dd:ee:ff)");
        }
        return new MacAddress(Long.parseLong(text.replaceAll("[:-]", ""), 16));
    }

    public static MacAddress ofBytes(byte[] bytes) {
        Check.notNull("mac", bytes);
        if (bytes.length != 6) {
            throw new InvalidSpecException("mac", bytes.length + " bytes", "must be 6 bytes");
        }
        long v = 0;
        for (byte b : bytes) {
            v = (v << 8) | (b & 0xff);
        }
        return new MacAddress(v);
    }

    public byte[] toBytes() {
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) (value >>> (40 - 8 * i));
        }
        return out;
    }

    public boolean isMulticast() {
        return ((value >>> 40) & 1) != 0;
    }

    /** A locally administered unicast MAC derived from a seed, for generated interfaces. */
    public static MacAddress locallyAdministered(long seed) {
        long v = (seed & 0xffff_ffff_ffffL);
        v = (v & ~(0x01L << 40)) | (0x02L << 40);
        return new MacAddress(v);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }
}
