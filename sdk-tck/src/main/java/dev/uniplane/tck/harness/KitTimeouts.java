package dev.uniplane.tck.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The one place every wait of the kit goes through: probe deadlines, readiness polls, watch ticks and the time a
 * refused flow must stay refused. On a slow machine, {@code UNIPLANE_TCK_TIMEOUT_SCALE=2} (or
 * {@code -Duniplane.tck.timeoutScale=2}, which wins) multiplies all of them; the default is 1.
 */
public final class KitTimeouts {
    /** Environment variable with the factor. */
    public static final String ENV = "UNIPLANE_TCK_TIMEOUT_SCALE";
    /** System property with the factor; wins over {@link #ENV}. */
    public static final String PROPERTY = "uniplane.tck.timeoutScale";

    private static final Duration POLL = Duration.ofMillis(20);

    private KitTimeouts() {
    }

    /** The factor every kit wait is multiplied by: the property, else the environment variable, else 1. */
    public static double scale() {
        String value = System.getProperty(PROPERTY);
        String source = "-D" + PROPERTY;
        if (value == null || value.isBlank()) {
            value = System.getenv(ENV);
            source = ENV;
        }
        if (value == null || value.isBlank()) {
            return 1.0;
        }
        double factor;
        try {
            factor = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a number such as 2 or 1.5, not '" + value + "'", e);
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(source + " must be a positive number, not '" + value + "'");
        }
        return factor;
    }

    /** {@code timeout} times {@link #scale()}. */
    public static Duration scaled(Duration timeout) {
        return Duration.ofNanos(Math.round(timeout.toNanos() * scale()));
    }

    /**
     * Polls {@code ready} until it holds or {@code timeout} (scaled) has passed: a readiness check instead of a fixed
     * sleep. Returns whether it became ready; checks once more at the deadline.
     */
    public static boolean await(Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + scaled(timeout).toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return ready.getAsBoolean();
            }
            try {
                Thread.sleep(POLL); // poll interval of a readiness check, not a synchronisation by time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ready.getAsBoolean();
            }
        }
        return true;
    }
}
