package dev.uniplane.provider.dpdk.internal.fastpath;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Per-endpoint counters of the {@link Router} in off-heap memory, one 128-byte row per endpoint slot plus one row for
 * traffic that belongs to no endpoint. Columns: rx packets/bytes (delivered to the workload), tx packets/bytes (sent
 * by the workload), then one drop counter per {@code DropReason} ordinal. The lcore thread is the only writer (plain
 * read, opaque write); readers use opaque loads while the loop runs. A slot is zeroed by {@link #reset} only while no
 * published table refers to it.
 */
public final class EndpointCounters {
    /** Column of packets delivered to the workload. */
    public static final int RX_PACKETS = 0;
    /** Column of bytes delivered to the workload (L2 length). */
    public static final int RX_BYTES = 1;
    /** Column of packets the workload sent. */
    public static final int TX_PACKETS = 2;
    /** Column of bytes the workload sent (L2 length). */
    public static final int TX_BYTES = 3;
    /** First drop column; drop reason {@code r} is column {@code DROPS + r.ordinal()}. */
    public static final int DROPS = 4;
    static final int COLUMNS = 16;
    private static final long ROW = COLUMNS * 8L;
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment memory;
    private final int slots;

    /** Counters for {@code slots} endpoints plus the unattributed row. */
    public EndpointCounters(int slots) {
        this.slots = slots;
        this.memory = Arena.ofAuto().allocate(ROW * (slots + 1), 64);
    }

    /** Number of endpoint slots. */
    public int slots() {
        return slots;
    }

    /** The row of traffic no endpoint is charged with (e.g. uplink packets without a route). */
    public int unattributed() {
        return slots;
    }

    /** Reads one counter (any thread). */
    public long read(int slot, int column) {
        return (long) LONG.getOpaque(memory, offset(slot, column));
    }

    /** Zeroes a slot; only while no published table refers to it. */
    public void reset(int slot) {
        for (int c = 0; c < COLUMNS; c++) {
            LONG.setOpaque(memory, offset(slot, c), 0L);
        }
        VarHandle.fullFence();
    }

    // ---- writer side, lcore thread only

    void add(int slot, int column, long delta) {
        long offset = offset(slot, column);
        LONG.setOpaque(memory, offset, memory.get(JAVA_LONG, offset) + delta);
    }

    private static long offset(int slot, int column) {
        return slot * ROW + column * 8L;
    }
}
