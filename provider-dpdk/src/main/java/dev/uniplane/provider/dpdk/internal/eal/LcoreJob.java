package dev.uniplane.provider.dpdk.internal.eal;

/**
 * Long-running work for the EAL lcore thread (a poll loop). {@link Eal#launch} runs {@link #run()} on that thread;
 * {@link #requestStop()} is called from other threads and must make {@link #run()} return soon.
 */
public interface LcoreJob {
    /** Polls until {@link #requestStop()}; runs on the lcore thread, with lcore id 0 and its mempool cache. */
    void run();

    /** Asks {@link #run()} to return; must not block. */
    void requestStop();

    /** A short name for logs and errors. */
    String name();
}
