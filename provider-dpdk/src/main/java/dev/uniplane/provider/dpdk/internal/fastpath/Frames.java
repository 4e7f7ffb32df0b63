package dev.uniplane.provider.dpdk.internal.fastpath;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Raw reads and writes of frames and mbufs for the router's stages, through a global-scope view of the address space
 * (no scope or bounds check per access: the addresses come from mbufs the PMD handed over, or from the stages' own
 * allocations, and every frame read is bounded by the frame's length first).
 */
final class Frames {
    static final ValueLayout.OfInt U32_BE = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort U16_BE = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64_BE = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final int ETH_IPV4 = 0x0800;
    static final int ETH_IPV6 = 0x86dd;
    static final int ETH_ARP = 0x0806;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int SCTP = 132;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;
    @SuppressWarnings("restricted")
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Frames() {
    }

    /** The data length of mbuf {@code m}. */
    static int dataLength(long m) {
        return Short.toUnsignedInt(ALL.get(JAVA_SHORT, m + Layouts.MBUF_DATA_LEN));
    }

    /** The address of the frame in mbuf {@code m}. */
    static long frame(long m) {
        return ALL.get(JAVA_LONG, m + Layouts.MBUF_BUF_ADDR) + Short.toUnsignedInt(ALL.get(JAVA_SHORT, m + Layouts.MBUF_DATA_OFF));
    }

    static void setMac(long at, long mac) {
        ALL.set(U16_BE, at, (short) (mac >>> 32));
        ALL.set(U32_BE, at + 2, (int) mac);
    }

    static long mac(long at) {
        return ((long) u16(at) << 32) | (ALL.get(U32_BE, at + 2) & 0xffffffffL);
    }

    static int u16(long at) {
        return Short.toUnsignedInt(ALL.get(U16_BE, at));
    }

    static int u8(long at) {
        return Byte.toUnsignedInt(ALL.get(JAVA_BYTE, at));
    }

    /** Whether the transport protocol has 16-bit ports at the start of its header. */
    static boolean hasPorts(int protocol) {
        return protocol == TCP || protocol == UDP || protocol == SCTP;
    }
}
