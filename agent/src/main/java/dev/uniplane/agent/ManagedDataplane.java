package dev.uniplane.agent;

import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Plan;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A dataplane the agent owns, with its health bookkeeping: the last error any call reported, when the last change and
 * the last {@link Dataplane#apply apply} succeeded. Applies do not queue: a second apply while one runs is refused with
 * a {@link ConflictException} at once (the first one's plan would make the second one's stale anyway).
 */
final class ManagedDataplane {
    private final Dataplane dataplane;
    private final DataplaneConfig config;
    private final boolean configured;
    private final Clock clock;
    private final Instant openedAt;
    private final AtomicBoolean applying = new AtomicBoolean();
    private volatile Failure lastError;
    private volatile Instant lastSuccessfulApply;
    private volatile Instant lastSuccessfulChange;
    /** Ends the watch streams of clients when the dataplane goes away (its watcher stops with it). */
    private final Set<Runnable> watchEnds = ConcurrentHashMap.newKeySet();

    /** A failed call: what failed, and when. */
    record Failure(RuntimeException error, Instant at) {
    }

    ManagedDataplane(Dataplane dataplane, DataplaneConfig config, boolean configured, Clock clock) {
        this.dataplane = dataplane;
        this.config = config;
        this.configured = configured;
        this.clock = clock;
        this.openedAt = clock.instant();
    }

    Dataplane dataplane() {
        return dataplane;
    }

    String name() {
        return dataplane.name();
    }

    /** The config it was opened with (provider filled in). */
    DataplaneConfig config() {
        return config;
    }

    /** Declared in the agent's config file (reopened when the agent starts), rather than opened at runtime. */
    boolean configured() {
        return configured;
    }

    Instant openedAt() {
        return openedAt;
    }

    Failure lastError() {
        return lastError;
    }

    Instant lastSuccessfulApply() {
        return lastSuccessfulApply;
    }

    Instant lastSuccessfulChange() {
        return lastSuccessfulChange;
    }

    /** A call that changes nothing; a failure is recorded as the last error. */
    <T> T read(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            lastError = new Failure(e, clock.instant());
            throw e;
        }
    }

    /** A call that changes the dataplane: success is recorded as the last change, a failure as the last error. */
    <T> T change(Supplier<T> call) {
        T result = read(call);
        lastSuccessfulChange = clock.instant();
        return result;
    }

    /** Like {@link #change(Supplier)} with nothing to return. */
    void change(Runnable call) {
        change(() -> {
            call.run();
            return null;
        });
    }

    /** Applies a plan, refusing at once while another apply on this dataplane runs. */
    void apply(Plan plan) {
        if (!applying.compareAndSet(false, true)) {
            ConflictException busy = new ConflictException("another apply is in progress on dataplane " + name()
                    + "; compute the plan again when it is done");
            lastError = new Failure(busy, clock.instant());
            throw busy;
        }
        try {
            change(() -> dataplane.apply(plan));
            lastSuccessfulApply = lastSuccessfulChange;
        } finally {
            applying.set(false);
        }
    }

    /** Whether the backend answers a read now (for a daemon provider: whether its daemon is up). */
    boolean backendUp() {
        try {
            dataplane.stats();
            return true;
        } catch (RuntimeException e) {
            lastError = new Failure(e, clock.instant());
            return false;
        }
    }

    /** Registers what ends a client's watch stream; returns what unregisters it. */
    Runnable onClose(Runnable endWatch) {
        watchEnds.add(endWatch);
        return () -> watchEnds.remove(endWatch);
    }

    /** Ends every client's watch stream (the dataplane is being closed or destroyed). */
    void endWatches() {
        List.copyOf(watchEnds).forEach(Runnable::run);
        watchEnds.clear();
    }
}
