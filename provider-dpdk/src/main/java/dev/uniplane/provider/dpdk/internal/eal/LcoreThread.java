package dev.uniplane.provider.dpdk.internal.eal;

import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.RteEal;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The dedicated platform thread that calls {@code rte_eal_init} and so becomes lcore 0, pinned to the config's CPU
 * (NOTES 3.5). Afterwards it runs submitted tasks one at a time (a poll loop is one long task), blocking while idle, so
 * control work submitted here never runs concurrently with the loop. A daemon: EAL's stop or the shutdown hook ends it.
 */
final class LcoreThread {
    private static final Runnable EXIT = () -> { };

    private final Thread thread;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> initialized = new CompletableFuture<>();
    private final List<String> argv;

    LcoreThread(List<String> argv) {
        this.argv = List.copyOf(argv);
        this.thread = Thread.ofPlatform().name("uniplane-dpdk-lcore0").daemon(true).unstarted(this::run);
    }

    /** Starts the thread; the future completes with rte_eal_init's result or fails with its error. */
    CompletableFuture<Integer> start() {
        thread.start();
        return initialized;
    }

    /** Runs {@code task} on the lcore thread after the tasks before it. */
    <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!thread.isAlive() && initialized.isDone()) {
            result.completeExceptionally(new IllegalStateException("the EAL lcore thread has ended"));
            return result;
        }
        tasks.add(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) { // the thread must survive any task
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Lets the thread end after the queued tasks. */
    void exit() {
        tasks.add(EXIT);
    }

    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void run() {
        int consumed;
        try {
            consumed = RteEal.init(argv);
            if (consumed < 0) {
                initialized.completeExceptionally(DpdkException.ofRteErrno("rte_eal_init(" + String.join(" ", argv) + ")"));
                return;
            }
        } catch (Throwable t) {
            initialized.completeExceptionally(t);
            return;
        }
        initialized.complete(consumed);
        while (true) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                continue; // only exit() ends the thread, so that EAL cleanup can still run on it
            }
            if (task == EXIT) {
                return;
            }
            task.run();
        }
    }
}
