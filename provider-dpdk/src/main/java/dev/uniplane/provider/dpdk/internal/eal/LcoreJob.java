package dev.uniplane.provider.dpdk.internal.eal;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    /**
     * Asks {@code job} to stop and waits until the lcore thread has left it (up to {@link Eal#STOP_TIMEOUT}).
     *
     * @param done what {@link Eal#launch} returned for the job
     * @throws IllegalStateException when the job does not end in time, ended with an error, or the wait is interrupted
     */
    static void stop(LcoreJob job, Future<?> done) {
        job.requestStop();
        try {
            done.get(Eal.STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(job.name() + " did not stop within " + Eal.STOP_TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(job.name() + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + job.name(), e);
        }
    }
}
