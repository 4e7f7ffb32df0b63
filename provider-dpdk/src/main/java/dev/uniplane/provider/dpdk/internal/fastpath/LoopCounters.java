package dev.uniplane.provider.dpdk.internal.fastpath;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The loop's counters in off-heap memory: one 64-byte row (a cache line) per {@link PortPair} with received,
 * transmitted and dropped packets and non-empty rx bursts, plus one row for the loop itself. Only the lcore thread
 * writes (plain read, opaque write: a single writer needs no atomics); any thread reads with opaque loads while the
 * loop runs. A snapshot taken mid-burst may see rx before tx; after the loop stopped,
 * {@code rx == tx + dropped} holds exactly for every pair.
 */
public final class LoopCounters {
    static final long ROW = 64;
    static final long RX = 0;
    static final long TX = 8;
    static final long DROPPED = 16;
    static final long BURSTS = 24;
    static final long LOOP_ITERATIONS = 0;
    static final long LOOP_CPU_NANOS = 8;
    static final long LOOP_WALL_NANOS = 16;

    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment memory;
    private final int pairs;

    LoopCounters(int pairs) {
        this.pairs = pairs;
        // Freed when the loop and every reader are gone: counters stay readable after stop().
        this.memory = Arena.ofAuto().allocate(ROW * (pairs + 1), ROW);
    }

    /**
     * Counters of one direction.
     *
     * @param rx      packets received on the pair's rx port
     * @param tx      packets the tx port accepted
     * @param dropped packets the tx port refused (freed by the loop)
     * @param bursts  non-empty rx bursts
     */
    public record PairCounters(long rx, long tx, long dropped, long bursts) {
    }

    /**
     * A snapshot.
     *
     * @param pairs      per {@link PortPair}, in the loop's order
     * @param iterations polling rounds over all pairs
     * @param cpuNanos   CPU time of the lcore thread in the loop (updated when the loop ends)
     * @param wallNanos  wall-clock time of the loop (updated when the loop ends)
     */
    public record Snapshot(List<PairCounters> pairs, long iterations, long cpuNanos, long wallNanos) {
        /** Copies. */
        public Snapshot {
            pairs = List.copyOf(pairs);
        }

        /** Received packets over all pairs. */
        public long rx() {
            return pairs.stream().mapToLong(PairCounters::rx).sum();
        }

        /** Transmitted packets over all pairs. */
        public long tx() {
            return pairs.stream().mapToLong(PairCounters::tx).sum();
        }

        /** Dropped packets over all pairs. */
        public long dropped() {
            return pairs.stream().mapToLong(PairCounters::dropped).sum();
        }

        /** Forwarded million packets per second of the loop thread's CPU time (0 before the loop ended). */
        public double mppsPerCpuSecond() {
            return cpuNanos == 0 ? 0 : tx() * 1e3 / cpuNanos;
        }
    }

    /** Reads every counter without stopping the loop. */
    public Snapshot snapshot() {
        List<PairCounters> rows = IntStream.range(0, pairs).mapToObj(this::pair).toList();
        long loopRow = ROW * pairs;
        return new Snapshot(rows, read(loopRow + LOOP_ITERATIONS), read(loopRow + LOOP_CPU_NANOS), read(loopRow + LOOP_WALL_NANOS));
    }

    /** Reads the counters of pair {@code index}. */
    public PairCounters pair(int index) {
        long row = ROW * index;
        return new PairCounters(read(row + RX), read(row + TX), read(row + DROPPED), read(row + BURSTS));
    }

    private long read(long offset) {
        return (long) LONG.getOpaque(memory, offset);
    }

    // ---- writer side, lcore thread only

    void addBurst(int pair, int received, int sent) {
        long row = ROW * pair;
        add(row + RX, received);
        add(row + TX, sent);
        if (sent != received) {
            add(row + DROPPED, received - sent);
        }
        add(row + BURSTS, 1);
    }

    void addIterations(long count) {
        add(ROW * pairs + LOOP_ITERATIONS, count);
    }

    void addTimes(long cpuNanos, long wallNanos) {
        add(ROW * pairs + LOOP_CPU_NANOS, cpuNanos);
        add(ROW * pairs + LOOP_WALL_NANOS, wallNanos);
    }

    private void add(long offset, long delta) {
        LONG.setOpaque(memory, offset, memory.get(JAVA_LONG, offset) + delta);
    }
}
