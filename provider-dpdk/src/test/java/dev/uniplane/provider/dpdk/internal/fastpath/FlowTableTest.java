package dev.uniplane.provider.dpdk.internal.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.FlowTimeouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The off-heap connection tracker: normalised keys, both directions, idle expiry, reuse, the TCP state machine. */
class FlowTableTest {
    private static final FlowTimeouts TIMEOUTS = new FlowTimeouts(Duration.ofHours(6), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofSeconds(30));
    private static final long S = 1_000_000_000L;

    private static final long A = FlowTable.v4(1);
    private static final long B = FlowTable.v4(2);

    /** {aHigh, aLow, bHigh, bLow, k1, sourceIsLow} of an IPv4 packet. */
    private static long[] key(int src, int sport, int dst, int dport, int protocol) {
        return key(0, FlowTable.v4(src), sport, 0, FlowTable.v4(dst), dport, protocol);
    }

    private static long[] key(long srcHigh, long srcLow, int sport, long dstHigh, long dstLow, int dport, int protocol) {
        boolean low = FlowTable.sourceIsLow(srcHigh, srcLow, sport, dstHigh, dstLow, dport);
        return low ? new long[] {srcHigh, srcLow, dstHigh, dstLow, FlowTable.key1(protocol, sport, dport), 1}
                : new long[] {dstHigh, dstLow, srcHigh, srcLow, FlowTable.key1(protocol, dport, sport), 0};
    }

    private static boolean insert(FlowTable t, long[] k, long now, long revision, byte state, int opener, int receiver) {
        return t.insert(k[0], k[1], k[2], k[3], k[4], now, revision, state, k[5] == 1, opener, receiver);
    }

    private static int find(FlowTable t, long[] k, long now) {
        return t.find(k[0], k[1], k[2], k[3], k[4], now);
    }

    @Test
    void ipv6TuplesAreKeyedByAll128Bits() {
        FlowTable t = new FlowTable(1024, TIMEOUTS);
        long net = 0xfd00_0100_0000_0000L;
        long[] forward = key(net, 2, 40000, net, 3, 80, 6);
        assertThat(java.util.Arrays.copyOf(key(net, 3, 80, net, 2, 40000, 6), 5)).isEqualTo(java.util.Arrays.copyOf(forward, 5));
        assertThat(insert(t, forward, 0, 1, FlowTable.ESTABLISHED, 0, 1)).isTrue();
        assertThat(find(t, key(net, 3, 80, net, 2, 40000, 6), S)).isNotNegative();
        assertThat(find(t, key(net + 1, 3, 80, net, 2, 40000, 6), S)).as("another /64").isNegative();
        assertThat(find(t, key(0, FlowTable.v4(3), 80, 0, FlowTable.v4(2), 40000, 6), S)).as("IPv4 with the same low bits")
                .isNegative();
        assertThat(FlowTable.isV4(0, FlowTable.v4(3))).isTrue();
        assertThat(FlowTable.isV4(net, 3)).isFalse();
    }

    @Test
    void bothDirectionsFindTheSameEntryUntilItExpires() {
        FlowTable t = new FlowTable(1024, TIMEOUTS);
        long[] forward = key(0x0a000002, 40000, 0x0a000001, 80, 17);
        long[] reply = key(0x0a000001, 80, 0x0a000002, 40000, 17);
        assertThat(java.util.Arrays.copyOf(reply, 5)).isEqualTo(java.util.Arrays.copyOf(forward, 5));
        assertThat(insert(t, forward, 0, 7, FlowTable.NOT_TCP, 3, 4)).isTrue();
        int i = find(t, reply, 59 * S);
        assertThat(i).isNotNegative();
        assertThat(t.openerLow(i)).isEqualTo(forward[5] == 1);
        assertThat(t.revision(i)).isEqualTo(7);
        assertThat(t.opener(i)).isEqualTo(3);
        assertThat(t.receiver(i)).isEqualTo(4);
        t.seen(i, 59 * S, false, 0);
        assertThat(find(t, forward, 118 * S)).isEqualTo(i);
        assertThat(find(t, forward, 180 * S)).as("idle for more than 60 s").isNegative();
        assertThat(t.live()).isZero();
    }

    @Test
    void expiredEntriesAreReusedAndAFullWindowRefuses() {
        FlowTable t = new FlowTable(FlowTable.MAX_PROBE, TIMEOUTS);
        for (int p = 0; p < FlowTable.MAX_PROBE; p++) {
            assertThat(t.insert(0, A, 0, B, FlowTable.key1(17, p, 53), 0, 1, FlowTable.NOT_TCP, true, 0, -1)).isTrue();
        }
        assertThat(t.insert(0, A, 0, B, FlowTable.key1(17, 999, 53), 0, 1, FlowTable.NOT_TCP, true, 0, -1)).isFalse();
        assertThat(t.fullCount()).isEqualTo(1);
        assertThat(t.insert(0, A, 0, B, FlowTable.key1(17, 999, 53), 61 * S, 1, FlowTable.NOT_TCP, true, 0, -1)).isTrue();
        assertThat(t.find(0, A, 0, B, FlowTable.key1(17, 999, 53), 61 * S)).isNotNegative();
    }

    @Test
    void tcpStatesFollowTheReferenceModel() {
        int syn = 0x02;
        int synAck = 0x12;
        int ack = 0x10;
        assertThat(FlowTable.openingState(syn)).isEqualTo(FlowTable.SYN_SENT);
        assertThat(FlowTable.openingState(ack)).isEqualTo(FlowTable.ESTABLISHED);
        assertThat(FlowTable.openingState(0x04)).isNegative();
        assertThat(FlowTable.openingState(0x11)).isEqualTo(FlowTable.CLOSING);
        byte s = FlowTable.nextState(FlowTable.SYN_SENT, false, synAck);
        assertThat(s).isEqualTo(FlowTable.SYN_RECEIVED);
        s = FlowTable.nextState(s, true, ack);
        assertThat(s).isEqualTo(FlowTable.ESTABLISHED);
        assertThat(FlowTable.nextState(s, false, 0x14)).isEqualTo(FlowTable.CLOSED);
        // an established TCP flow lives 6 h, a half-open one 60 s
        FlowTable t = new FlowTable(64, TIMEOUTS);
        t.insert(0, A, 0, B, FlowTable.key1(6, 1000, 80), 0, 1, FlowTable.ESTABLISHED, true, 0, 1);
        t.insert(0, A, 0, B, FlowTable.key1(6, 1001, 80), 0, 1, FlowTable.SYN_SENT, true, 0, 1);
        assertThat(t.find(0, A, 0, B, FlowTable.key1(6, 1000, 80), 3600 * S)).isNotNegative();
        assertThat(t.find(0, A, 0, B, FlowTable.key1(6, 1001, 80), 3600 * S)).isNegative();
    }
}
