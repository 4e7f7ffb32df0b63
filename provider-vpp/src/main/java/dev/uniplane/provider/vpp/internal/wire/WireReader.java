package dev.uniplane.provider.vpp.internal.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads VPP API fields from one received message, big-endian and packed, from a cursor. Reading past the end throws
 * {@link IllegalArgumentException} naming the position, so a short reply never yields garbage.
 */
public final class WireReader {
    private final byte[] bytes;
    private int position;

    /** Reads {@code bytes} from offset 0. */
    public WireReader(byte[] bytes) {
        this.bytes = bytes;
    }

    private void need(int n) {
        if (position + n > bytes.length) {
            throw new IllegalArgumentException("message of " + bytes.length + " bytes ends before offset "
                    + (position + n));
        }
    }

    /** Moves the cursor to {@code offset}. */
    public WireReader at(int offset) {
        position = offset;
        return this;
    }

    /** The cursor. */
    public int position() {
        return position;
    }

    /** An unsigned byte. */
    public int u8() {
        need(1);
        return bytes[position++] & 0xff;
    }

    /** A bool. */
    public boolean bool() {
        return u8() != 0;
    }

    /** A big-endian u16. */
    public int u16() {
        return (u8() << 8) | u8();
    }

    /** A big-endian u32 or i32 as an int (u32 values above 2^31 come back negative, as Java has no u32). */
    public int u32() {
        return (u16() << 16) | u16();
    }

    /** {@code n} raw bytes. */
    public byte[] bytes(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(bytes, position, position + n);
        position += n;
        return out;
    }

    /** {@code string x[N]}: the text up to the first NUL of the next {@code length} bytes. */
    public String fixedString(int length) {
        byte[] raw = bytes(length);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    /** {@code string x[]}: u32 length and bytes. */
    public String variableString() {
        int length = u32();
        if (length < 0) {
            throw new IllegalArgumentException("string length " + Integer.toUnsignedString(length) + " at offset "
                    + (position - 4));
        }
        return new String(bytes(length), StandardCharsets.UTF_8);
    }

    /** An {@code address} (17 bytes). */
    public InetAddress address() {
        int family = u8();
        byte[] union = bytes(16);
        try {
            return InetAddress.getByAddress(family == 0 ? Arrays.copyOf(union, 4) : union);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: the lengths are 4 and 16
        }
    }
}
