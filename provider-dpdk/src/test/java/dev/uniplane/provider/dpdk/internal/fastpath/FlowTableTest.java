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

    private static long[] key(int src, int sport, int dst, int dport, int protocol) {
        boolean low = FlowTable.sourceIsLow(src, sport, dst, dport);
        return new long[] {low ? FlowTable.key0(src, dst) : FlowTable.key0(dst, src),
                low ? FlowTable.key1(protocol, sport, dport) : FlowTable.key1(protocol, dport, sport), low ? 1 : 0};
    }

    @Test
    void bothDirectionsFindTheSameEntryUntilItExpires() {
        FlowTable t = new FlowTable(1024, TIMEOUTS);
        long[] forward = key(0x0a000002, 40000, 0x0a000001, 80, 17);
        long[] reply = key(0x0a000001, 80, 0x0a000002, 40000, 17);
        assertThat(reply[0]).isEqualTo(forward[0]);
        assertThat(reply[1]).isEqualTo(forward[1]);
        assertThat(t.insert(forward[0], forward[1], 0, 7, FlowTable.NOT_TCP, forward[2] == 1, 3, 4)).isTrue();
        int i = t.find(reply[0], reply[1], 59 * S);
        assertThat(i).isNotNegative();
        assertThat(t.openerLow(i)).isEqualTo(forward[2] == 1);
        assertThat(t.revision(i)).isEqualTo(7);
        assertThat(t.opener(i)).isEqualTo(3);
        assertThat(t.receiver(i)).isEqualTo(4);
        t.seen(i, 59 * S, false, 0);
        assertThat(t.find(forward[0], forward[1], 118 * S)).isEqualTo(i);
        assertThat(t.find(forward[0], forward[1], 180 * S)).as("idle for more than 60 s").isNegative();
        assertThat(t.live()).isZero();
    }

    @Test
    void expiredEntriesAreReusedAndAFullWindowRefuses() {
        FlowTable t = new FlowTable(FlowTable.MAX_PROBE, TIMEOUTS);
        for (int p = 0; p < FlowTable.MAX_PROBE; p++) {
            assertThat(t.insert(FlowTable.key0(1, 2), FlowTable.key1(17, p, 53), 0, 1, FlowTable.NOT_TCP, true, 0, -1)).isTrue();
        }
        assertThat(t.insert(FlowTable.key0(1, 2), FlowTable.key1(17, 999, 53), 0, 1, FlowTable.NOT_TCP, true, 0, -1)).isFalse();
        assertThat(t.fullCount()).isEqualTo(1);
        assertThat(t.insert(FlowTable.key0(1, 2), FlowTable.key1(17, 999, 53), 61 * S, 1, FlowTable.NOT_TCP, true, 0, -1)).isTrue();
        assertThat(t.find(FlowTable.key0(1, 2), FlowTable.key1(17, 999, 53), 61 * S)).isNotNegative();
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
        t.insert(FlowTable.key0(1, 2), FlowTable.key1(6, 1000, 80), 0, 1, FlowTable.ESTABLISHED, true, 0, 1);
        t.insert(FlowTable.key0(1, 2), FlowTable.key1(6, 1001, 80), 0, 1, FlowTable.SYN_SENT, true, 0, 1);
        assertThat(t.find(FlowTable.key0(1, 2), FlowTable.key1(6, 1000, 80), 3600 * S)).isNotNegative();
        assertThat(t.find(FlowTable.key0(1, 2), FlowTable.key1(6, 1001, 80), 3600 * S)).isNegative();
    }
}
