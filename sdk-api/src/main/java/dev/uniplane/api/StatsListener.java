package dev.uniplane.api;

/** Receives periodic stats from {@link Dataplane#watch}. Called on a dataplane-owned thread; keep it short. */
@FunctionalInterface
public interface StatsListener {

    /**
     * @param snapshot the counters now
     * @param delta    what changed since the previous call (equal to {@code snapshot} on the first call)
     */
    void onStats(StatsSnapshot snapshot, StatsSnapshot delta);

    /** A read failed; the watch goes on with the next period. */
    default void onError(DataplaneException error) {
    }
}
