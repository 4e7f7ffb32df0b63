package dev.uniplane.provider.dpdk.internal.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The router's header arithmetic on raw memory (no EAL): TTL decrement, L4 checksum completion, ECMP hashing, tables. */
class RouterPacketMathTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Test
    void ttlDecrementKeepsTheHeaderChecksumValid() {
        try (Arena arena = Arena.ofConfined()) {
            for (int ttl = 2; ttl <= 255; ttl++) {
                MemorySegment ip = ipv4Header(arena, ttl, 17, 0x0a640002, 0x0a640003, 28);
                Router.decrementTtl(ip.address(), ttl, 17);
                assertThat(Byte.toUnsignedInt(ip.get(ValueLayout.JAVA_BYTE, 8))).isEqualTo(ttl - 1);
                assertThat(fold(sum(ip, 0, 20))).as("ones' complement sum of the header at ttl %d", ttl).isEqualTo(0xffff);
            }
        }
    }

    @Test
    void aPartialUdpChecksumIsCompleted() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packet = arena.allocate(20 + 8 + 5);
            MemorySegment.copy(ipv4Header(arena, 64, 17, 0xcb00710a, 0x0a640002, 33), 0, packet, 0, 20);
            packet.set(U16, 20, (short) 7101);
            packet.set(U16, 22, (short) 40000);
            packet.set(U16, 24, (short) 13);
            packet.set(U16, 26, (short) 0x1234); // what a CHECKSUM_PARTIAL sender leaves: not the final value
            packet.asSlice(28, 5).copyFrom(MemorySegment.ofArray("hello".getBytes()));
            Router.completeL4Checksum(packet.address(), packet.address() + 20, 13, 17);
            long pseudo = sum(packet, 12, 8) + 17 + 13;
            assertThat(fold(pseudo + sum(packet, 20, 13))).isEqualTo(0xffff);
        }
    }

    @Test
    void ecmpHashIsStablePerFlowAndSpreadsFlows() {
        Set<Long> members = new HashSet<>();
        for (int port = 40000; port < 40024; port++) {
            long h = Router.hash(0x0a640002, 0x0a630001, 17, port << 16 | 7104);
            assertThat(Router.hash(0x0a640002, 0x0a630001, 17, port << 16 | 7104)).isEqualTo(h);
            members.add((h >>> 1) % 2);
        }
        assertThat(members).containsExactlyInAnyOrder(0L, 1L);
    }

    @Test
    void anEmptyTableNeedsNoEal() {
        ForwardingTable t = ForwardingTable.build(0, List.of(), List.of(), 0);
        assertThat(t.routeCount()).isZero();
        // no routes, no LPM: building needs no EAL
        t.free();
    }

    private static MemorySegment ipv4Header(Arena arena, int ttl, int protocol, int src, int dst, int totalLength) {
        MemorySegment ip = arena.allocate(20);
        ip.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x45);
        ip.set(U16, 2, (short) totalLength);
        ip.set(ValueLayout.JAVA_BYTE, 8, (byte) ttl);
        ip.set(ValueLayout.JAVA_BYTE, 9, (byte) protocol);
        ip.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 12, src);
        ip.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 16, dst);
        ip.set(U16, 10, (short) ~fold(sum(ip, 0, 20)));
        return ip;
    }

    private static long sum(MemorySegment s, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += Short.toUnsignedInt(s.get(U16, offset + i));
        }
        if ((length & 1) != 0) {
            sum += Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, offset + length - 1)) << 8;
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
