package dev.uniplane.cli;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress of a long operation on stderr, on one line that is redrawn: only on a terminal with table output, so
 * {@code -o json} and pipes see nothing extra.
 */
final class Progress {
    private final boolean enabled;
    private final PrintWriter err;
    private long started;

    Progress(boolean enabled, PrintWriter err) {
        this.enabled = enabled;
        this.err = err;
    }

    /** Starts a step ("applying 12 changes"). */
    void step(String what) {
        started = System.nanoTime();
        if (enabled) {
            err.print("\r\033[K" + what + " ...");
            err.flush();
        }
    }

    /** Ends the step, with how long it took. */
    void done() {
        if (enabled) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            err.println(" done (" + took.toMillis() + " ms)");
            err.flush();
        }
    }

    /** Ends the step without a result line (it failed; the error follows). */
    void abandon() {
        if (enabled) {
            err.println();
            err.flush();
        }
    }
}
