package dev.uniplane.provider.dpdk.internal.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The ARP reply for the IPv4 gateway 169.254.1.1 that DPDK-native workloads (memif, vhost-user) ask for. */
class RouterArpTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long GATEWAY_MAC = 0x0275_706b_0001L;
    private static final long WORKLOAD_MAC = 0x0200_0000_000aL;
    private static final int WORKLOAD_IP = 0x0a640002;

    @Test
    void aRequestForTheGatewayBecomesTheReplyInPlace() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f = request(arena, Router.GATEWAY4);
            assertThat(Router.answerArp(f.address(), 60, GATEWAY_MAC)).isEqualTo(Router.ARP_LENGTH);
            assertThat(mac(f, 0)).as("to the requester").isEqualTo(WORKLOAD_MAC);
            assertThat(mac(f, 6)).as("from the gateway").isEqualTo(GATEWAY_MAC);
            assertThat(f.get(U16, 20)).as("op reply").isEqualTo((short) 2);
            assertThat(mac(f, 22)).as("sender hardware address").isEqualTo(GATEWAY_MAC);
            assertThat(f.get(U32, 28)).as("sender protocol address").isEqualTo(Router.GATEWAY4);
            assertThat(mac(f, 32)).as("target hardware address").isEqualTo(WORKLOAD_MAC);
            assertThat(f.get(U32, 38)).as("target protocol address").isEqualTo(WORKLOAD_IP);
        }
    }

    @Test
    void otherTargetsRepliesAndShortFramesAreNotAnswered() {
        try (Arena arena = Arena.ofConfined()) {
            assertThat(Router.answerArp(request(arena, 0x0a640003).address(), 60, GATEWAY_MAC)).as("another address").isNegative();
            MemorySegment reply = request(arena, Router.GATEWAY4);
            reply.set(U16, 20, (short) 2);
            assertThat(Router.answerArp(reply.address(), 60, GATEWAY_MAC)).as("a reply").isNegative();
            assertThat(Router.answerArp(request(arena, Router.GATEWAY4).address(), 41, GATEWAY_MAC)).as("truncated").isNegative();
        }
    }

    private static MemorySegment request(Arena arena, int target) {
        MemorySegment f = arena.allocate(60);
        setMac(f, 0, Router.BROADCAST_MAC);
        setMac(f, 6, WORKLOAD_MAC);
        f.set(U16, 12, (short) 0x0806);
        f.set(U16, 14, (short) 1);
        f.set(U16, 16, (short) 0x0800);
        f.set(ValueLayout.JAVA_BYTE, 18, (byte) 6);
        f.set(ValueLayout.JAVA_BYTE, 19, (byte) 4);
        f.set(U16, 20, (short) 1);
        setMac(f, 22, WORKLOAD_MAC);
        f.set(U32, 28, WORKLOAD_IP);
        f.set(U32, 38, target);
        return f;
    }

    private static void setMac(MemorySegment f, long at, long mac) {
        f.set(U16, at, (short) (mac >>> 32));
        f.set(U32, at + 2, (int) mac);
    }

    private static long mac(MemorySegment f, long at) {
        return ((long) Short.toUnsignedInt(f.get(U16, at)) << 32) | (f.get(U32, at + 2) & 0xffffffffL);
    }
}
