package dev.uniplane.bench.dpdk;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * A measurement window over a job running on the EAL lcore thread: wait {@code warmupSeconds}, read the packet counter
 * and the lcore thread's CPU time ({@link ThreadMXBean}), wait {@code seconds}, read both again.
 *
 * @param lcoreThreadId  the Java thread id of the EAL lcore thread
 * @param warmupSeconds  time before the first reading (JIT, caches, memif link)
 * @param seconds        length of the window
 */
record Window(long lcoreThreadId, double warmupSeconds, double seconds) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The window over {@code packets} (read while the job runs). */
    Measurement measure(LongSupplier packets) throws InterruptedException {
        Thread.sleep((long) (warmupSeconds * 1000));
        long cpu0 = THREADS.getThreadCpuTime(lcoreThreadId);
        long packets0 = packets.getAsLong();
        long wall0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long cpu1 = THREADS.getThreadCpuTime(lcoreThreadId);
        long packets1 = packets.getAsLong();
        long wall1 = System.nanoTime();
        return new Measurement(packets1 - packets0, cpu1 - cpu0, wall1 - wall0);
    }

    /** The id of EAL's lcore thread, {@code uniplane-dpdk-lcore0}. */
    static long findLcoreThread() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("uniplane-dpdk-lcore0"))
                .mapToLong(Thread::threadId).findFirst()
                .orElseThrow(() -> new IllegalStateException("no thread uniplane-dpdk-lcore0: is EAL running?"));
    }
}
