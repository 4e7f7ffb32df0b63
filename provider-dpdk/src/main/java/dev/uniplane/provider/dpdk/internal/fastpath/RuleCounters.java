package dev.uniplane.provider.dpdk.internal.fastpath;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Per-rule packet counters in off-heap memory, one long per counter slot. The lcore is the only writer (plain read,
 * opaque write); {@link #read} uses opaque loads while the loop runs. A slot is zeroed by {@link #reset} only while no
 * published table refers to it.
 */
public final class RuleCounters {
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private final MemorySegment memory;
    private final int slots;

    /** {@code slots} counters. */
    public RuleCounters(int slots) {
        this.slots = slots;
        this.memory = Arena.ofAuto().allocate(8L * slots, 64);
    }

    /** Number of counter slots. */
    public int slots() {
        return slots;
    }

    /** Reads one counter (any thread). */
    public long read(int slot) {
        return (long) LONG.getOpaque(memory, slot * 8L);
    }

    /** Zeroes a slot no published table refers to. */
    public void reset(int slot) {
        LONG.setOpaque(memory, slot * 8L, 0L);
        VarHandle.fullFence();
    }

    void increment(int slot) {
        long offset = slot * 8L;
        LONG.setOpaque(memory, offset, memory.get(JAVA_LONG, offset) + 1);
    }
}
