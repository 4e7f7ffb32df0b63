package dev.uniplane.provider.ebpf.internal.program;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Byte-level helpers for the encoders: host-order (native) and network-order (big-endian) fields. */
final class Wire {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private Wire() {
    }

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    static MemorySegment of(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    static void u8(byte[] b, long off, int v) {
        b[(int) off] = (byte) v;
    }

    static int u8(byte[] b, long off) {
        return b[(int) off] & 0xff;
    }

    static void u16(byte[] b, long off, int v) {
        of(b).set(U16, off, (short) v);
    }

    static int u16(byte[] b, long off) {
        return of(b).get(U16, off) & 0xffff;
    }

    static void be16(byte[] b, long off, int v) {
        of(b).set(BE16, off, (short) v);
    }

    static int be16(byte[] b, long off) {
        return of(b).get(BE16, off) & 0xffff;
    }

    static void u32(byte[] b, long off, int v) {
        of(b).set(U32, off, v);
    }

    static int u32(byte[] b, long off) {
        return of(b).get(U32, off);
    }

    static void be32(byte[] b, long off, int v) {
        of(b).set(BE32, off, v);
    }

    static int be32(byte[] b, long off) {
        return of(b).get(BE32, off);
    }

    static void u64(byte[] b, long off, long v) {
        of(b).set(U64, off, v);
    }

    static long u64(byte[] b, long off) {
        return of(b).get(U64, off);
    }

    static void bytes(byte[] b, long off, byte[] src) {
        System.arraycopy(src, 0, b, (int) off, src.length);
    }

    static byte[] bytes(byte[] b, long off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, (int) off, out, 0, len);
        return out;
    }

    static void check(byte[] b, StructLayout layout) {
        if (b.length != layout.byteSize()) {
            throw new IllegalArgumentException(layout.name().orElse("struct") + " is " + layout.byteSize()
                    + " bytes, got " + b.length);
        }
    }
}
