package dev.uniplane.provider.dpdk.internal.fastpath;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.LcoreJob;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import dev.uniplane.provider.dpdk.internal.ffm.RteMbuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A minimal Java forwarding loop on the EAL lcore thread: for each {@link PortPair}, rx burst (queue 0) → optional
 * {@link Rewrite} in place → tx burst (queue 0) → free what tx refused. Busy-polls until {@link #stop()}. Per packet it
 * allocates nothing: the burst array, its tail views and the counters are off-heap and made once, packet bytes are
 * read and written through one segment spanning the whole address space.
 */
public final class ForwardingLoop implements LcoreJob, AutoCloseable {
    /** Packets per rx burst (DPDK's usual 32). */
    public static final int BURST = 32;
    private static final short QUEUE = 0;
    /** Raw view of the process's memory for mbuf headers and packet bytes; bounds come from the mbuf itself. */
    @SuppressWarnings("restricted")
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final List<PortPair> pairs;
    private final short[] rxPorts;
    private final short[] txPorts;
    private final Rewrite rewrite;
    private final MemorySegment burst;
    private final MemorySegment[] burstTails;
    private final LoopCounters counters;
    private volatile boolean stopRequested;
    private CompletableFuture<Void> done;

    private ForwardingLoop(List<PortPair> pairs, Rewrite rewrite) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a forwarding loop needs at least one port pair");
        }
        this.pairs = List.copyOf(pairs);
        this.rxPorts = new short[pairs.size()];
        this.txPorts = new short[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            rxPorts[i] = (short) pairs.get(i).rx();
            txPorts[i] = (short) pairs.get(i).tx();
        }
        this.rewrite = rewrite;
        Arena arena = Arena.ofAuto();
        this.burst = arena.allocate(ADDRESS, BURST);
        this.burstTails = new MemorySegment[BURST];
        for (int i = 0; i < BURST; i++) {
            burstTails[i] = burst.asSlice(i * ADDRESS.byteSize());
        }
        this.counters = new LoopCounters(pairs.size());
    }

    /**
     * Starts the loop on the lcore thread of {@code eal}. The ports must be started.
     *
     * @throws IllegalStateException when another job runs on the lcore
     */
    public static ForwardingLoop start(Eal eal, List<PortPair> pairs, Rewrite rewrite) {
        ForwardingLoop loop = new ForwardingLoop(pairs, rewrite);
        loop.done = eal.launch(loop);
        return loop;
    }

    /** The directions this loop forwards, in counter order. */
    public List<PortPair> pairs() {
        return pairs;
    }

    /** The off-heap counters; readable while the loop runs. */
    public LoopCounters counters() {
        return counters;
    }

    /** Whether the loop still polls. */
    public boolean running() {
        return done != null && !done.isDone();
    }

    @Override
    public String name() {
        return "ForwardingLoop" + pairs + " " + rewrite;
    }

    @Override
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Asks the loop to stop and waits until the lcore thread has left it (up to {@link Eal#STOP_TIMEOUT}).
     *
     * @throws IllegalStateException when the loop does not end in time or ended with an error
     */
    public void stop() {
        LcoreJob.stop(this, done);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public void run() {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        long iterations = 0;
        try {
            while (!stopRequested) {
                for (int pair = 0; pair < rxPorts.length; pair++) {
                    forward(pair);
                }
                iterations++;
                if ((iterations & 0xff) == 0) {
                    counters.addIterations(256);
                }
            }
        } finally {
            counters.addIterations(iterations & 0xff);
            counters.addTimes(THREADS.getCurrentThreadCpuTime() - cpuStart, System.nanoTime() - wallStart);
        }
    }

    private void forward(int pair) {
        int received = RteEthDev.rxBurst(rxPorts[pair], QUEUE, burst, (short) BURST);
        if (received == 0) {
            return;
        }
        if (rewrite == Rewrite.MAC_SWAP) {
            for (int i = 0; i < received; i++) {
                swapMacs(burst.getAtIndex(JAVA_LONG, i));
            }
        }
        int sent = RteEthDev.txBurst(txPorts[pair], QUEUE, burst, (short) received);
        if (sent < received) {
            RteMbuf.freeBulk(burstTails[sent], received - sent);
        }
        counters.addBurst(pair, received, sent);
    }

    private static void swapMacs(long mbuf) {
        if (Short.toUnsignedInt(ALL.get(JAVA_SHORT, mbuf + Layouts.MBUF_DATA_LEN)) < 12) {
            return;
        }
        long frame = ALL.get(JAVA_LONG, mbuf + Layouts.MBUF_BUF_ADDR) + Short.toUnsignedInt(ALL.get(JAVA_SHORT, mbuf + Layouts.MBUF_DATA_OFF));
        int dstHigh = ALL.get(JAVA_INT_UNALIGNED, frame);
        short dstLow = ALL.get(JAVA_SHORT_UNALIGNED, frame + 4);
        ALL.set(JAVA_INT_UNALIGNED, frame, ALL.get(JAVA_INT_UNALIGNED, frame + 6));
        ALL.set(JAVA_SHORT_UNALIGNED, frame + 4, ALL.get(JAVA_SHORT_UNALIGNED, frame + 10));
        ALL.set(JAVA_INT_UNALIGNED, frame + 6, dstHigh);
        ALL.set(JAVA_SHORT_UNALIGNED, frame + 10, dstLow);
    }
}
