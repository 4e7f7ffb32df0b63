package dev.uniplane.provider.vpp.internal.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends VPP API fields to a growing byte array: packed, no alignment, every multi-byte integer big-endian (the
 * encoding of every message on the API socket).
 */
public final class WireWriter {
    private byte[] bytes = new byte[128];
    private int size;

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    /** A u8 or bool. */
    public WireWriter u8(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    /** A bool as one byte, 0 or 1. */
    public WireWriter bool(boolean value) {
        return u8(value ? 1 : 0);
    }

    /** A big-endian u16. */
    public WireWriter u16(int value) {
        return u8(value >>> 8).u8(value);
    }

    /** A big-endian u32 or i32 (also u32 enums). */
    public WireWriter u32(int value) {
        return u16(value >>> 16).u16(value);
    }

    /** Raw bytes. */
    public WireWriter bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        return this;
    }

    /** {@code n} zero bytes. */
    public WireWriter zeros(int n) {
        ensure(n);
        size += n; // the array is zero-filled on allocation and never written beyond size
        return this;
    }

    /** {@code string x[N]}: exactly {@code length} bytes, NUL-padded; the text must leave room for the NUL. */
    public WireWriter fixedString(String value, int length) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        if (text.length >= length) {
            throw new IllegalArgumentException("string longer than " + (length - 1) + " bytes: " + value);
        }
        return bytes(text).zeros(length - text.length);
    }

    /** {@code string x[]}: a u32 length and the bytes, no NUL. */
    public WireWriter variableString(String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return u32(text.length).bytes(text);
    }

    /** A {@code mac_address}: 6 bytes. */
    public WireWriter mac(byte[] mac) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        }
        return bytes(mac);
    }

    /** An {@code address_union}: 16 bytes, IPv4 in the first 4. */
    public WireWriter addressUnion(InetAddress address) {
        byte[] raw = address.getAddress();
        return bytes(raw).zeros(16 - raw.length);
    }

    /** An {@code address} (17 bytes): u8 family (0 IPv4, 1 IPv6) and the 16-byte union. */
    public WireWriter address(InetAddress address) {
        return u8(address instanceof Inet4Address ? 0 : 1).addressUnion(address);
    }

    /** A {@code prefix} (18 bytes): address and u8 length. */
    public WireWriter prefix(InetAddress address, int length) {
        return address(address).u8(length);
    }

    /** The bytes written so far. */
    public int size() {
        return size;
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
