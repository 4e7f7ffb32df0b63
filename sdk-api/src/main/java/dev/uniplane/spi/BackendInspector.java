package dev.uniplane.spi;

/**
 * Reads back what a provider's backend really has programmed (maps, flows, tables) and expresses it in model terms,
 * so that {@link dev.uniplane.api.Dataplane#currentState()} can be compared with it ({@link Drift#between}).
 * Every {@link AbstractDataplane} is one; callers reach it with {@code dataplane instanceof BackendInspector}.
 */
public interface BackendInspector {

    /**
     * Reads the backend now. Touches nothing.
     *
     * @throws dev.uniplane.api.DataplaneException if the provider cannot read its backend back
     *                                             ({@link InspectionUnsupportedException}) or reading failed
     */
    BackendView inspect();
}
